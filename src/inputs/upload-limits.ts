// The limits of one multipart upload (UPLOAD_* settings), and the parser limits that back them up.
// read-image-form.ts enforces each limit itself, so its 413 names the field and the setting; the
// parser's own limits sit one step further out, only so that nothing it buffers can grow unbounded.

export interface UploadLimits {
  /** Most input images per request; a mask comes on top (UPLOAD_MAX_FILES). */
  maxFiles: number
  /** Largest file (UPLOAD_FILE_MAX_BYTES). */
  fileMaxBytes: number
  /** Most bytes of files in all (UPLOAD_TOTAL_MAX_BYTES). */
  totalMaxBytes: number
  /** Largest text field (UPLOAD_FIELD_MAX_BYTES). */
  fieldMaxBytes: number
}

/** The setting each limit comes from, named in the 413. */
export const UPLOAD_SETTINGS = {
  maxFiles: 'UPLOAD_MAX_FILES',
  fileMaxBytes: 'UPLOAD_FILE_MAX_BYTES',
  totalMaxBytes: 'UPLOAD_TOTAL_MAX_BYTES',
  fieldMaxBytes: 'UPLOAD_FIELD_MAX_BYTES'
} as const satisfies Record<keyof UploadLimits, string>

// Text fields an edit form can hold (its schema has 13); unknown or repeated ones are refused as
// they arrive, so the parser's limit is never the one that answers.
const MAX_TEXT_FIELDS = 32

/** busboy's limits for these upload limits: each one past ours, so ours always answers first. */
export function parserLimits (limits: UploadLimits) {
  const files = limits.maxFiles + 2 // the images, a mask, and the one file past them we refuse
  return {
    // One byte past ours, so a file over the limit is seen as such rather than silently cut short.
    fileSize: limits.fileMaxBytes + 1,
    files,
    fields: MAX_TEXT_FIELDS,
    fieldSize: limits.fieldMaxBytes,
    parts: files + MAX_TEXT_FIELDS
  }
}
