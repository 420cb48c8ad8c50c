/**
 * An error the user caused (bad path, bad URL, full disk): shown as one clear line in the UI and the
 * CLI, never as a stack trace. Anything else that is thrown is a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError'
  constructor(
    message: string,
    /** Stable machine-readable reason, e.g. `source-missing`, for tests and UIs. */
    readonly code = 'invalid-input',
  ) {
    super(message)
  }
}

export const isUserError = (e: unknown): e is UserError =>
  e instanceof UserError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'UserError')

/** The wire form of an error, for IPC, WebSocket and the worker protocol. */
export interface ErrorInfo {
  message: string
  code?: string
  /** True when the user caused it (show the message); false for bugs (log the stack). */
  user: boolean
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (isUserError(e)) return { message: e.message, code: e.code, user: true }
  if (e instanceof Error) return { message: e.message, code: errnoCode(e), user: false }
  return { message: String(e), user: false }
}

function errnoCode(e: Error): string | undefined {
  const code = (e as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}
