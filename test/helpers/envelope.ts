// The OpenAI error envelope as tests read it from an answer body (`await response.json() as Envelope`).
export interface Envelope { error: { message: string, type: string, param: string | null, code: string | null } }
