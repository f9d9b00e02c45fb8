// Who is calling: the tenant an API key belongs to.
export interface Tenant {
  id: string
  name: string
  /** First segment of every storage key this tenant's generations are written under. */
  storagePrefix: string
}
