// The one error a wrong setting raises at start-up: its message names the variable, and the
// server prints it as one line and exits non-zero.
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}
