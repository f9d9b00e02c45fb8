// The Cache-Control of every stored image, on the object (S3 metadata) and on the answer that
// serves it: an object is never rewritten under its key (each generation has a new random id), so
// no copy kept by a client or a cache can ever go stale.
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
