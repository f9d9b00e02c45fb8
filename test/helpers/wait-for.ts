// Polls until a reading is available: for things a test cannot await directly (a child process's
// output, a lease lapsing in Redis, a file-watch reload). `undefined` means "not yet".
export async function waitFor<T> (read: () => Promise<T | undefined> | T | undefined, what: string, withinMs = 20_000): Promise<T> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    const value = await read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}
