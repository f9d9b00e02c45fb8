// How many edits and variations of one tenant may hold their input images in this process at once:
// as many as the tenant may have generations in flight. The in-flight slot itself is taken only
// after the inputs are read (the use case admits once it knows the model and n), so without this a
// tenant could open hundreds of 64 MiB uploads at once; with it, one tenant's uploads hold at most
// maxInFlight × UPLOAD_TOTAL_MAX_BYTES of this replica's memory. Counted per process on purpose:
// memory is per process.
import { GatewayError } from '../errors/gateway-error.js'
import type { Tenant } from '../tenants/tenant.js'

export class UploadSlots {
  readonly #held = new Map<string, number>()

  /** Takes a slot for the tenant, or refuses with 429; the returned function gives it back (once). */
  take (tenant: Tenant): () => void {
    const held = this.#held.get(tenant.id) ?? 0
    const limit = tenant.policy.maxInFlight
    if (held >= limit) {
      throw new GatewayError('too_many_in_flight', { message: `Tenant ${tenant.id} already has ${held} edits or variations holding their input images (limit ${limit}); retry when one finishes.` })
    }
    this.#held.set(tenant.id, held + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const now = (this.#held.get(tenant.id) ?? 1) - 1
      if (now === 0) this.#held.delete(tenant.id)
      else this.#held.set(tenant.id, now)
    }
  }
}
