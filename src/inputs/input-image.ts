// An image the caller gave an edit or variation (uploaded, or a stored one by reference), read and
// checked once: what the provider is sent and what the manifest records.
export interface InputImage {
  bytes: Buffer
  contentType: 'image/png' | 'image/jpeg' | 'image/webp'
  extension: 'png' | 'jpg' | 'webp'
  width: number
  height: number
  /** PNG colour type 4/6 or a tRNS chunk; WebP with an alpha (VP8X flag/ALPH/VP8L); JPEG never. */
  hasAlpha: boolean
  sha256: string // hex
  /** The file name the provider is sent (never the caller's: `image-0.png`, `mask.png`). */
  fileName: string
  /** Set when the input is an image this gateway stored: its generation and index. */
  source?: { generationId: string, index: number }
}

export interface EditInputs { images: InputImage[], mask?: InputImage }
