import { STACK_LIMIT } from '../../../shared/kinds/module'
import type { TaskFunction, TaskFunctionContext } from './load-task-module'

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: string; code: string } | null

/**
 * Calls the person's function for one input. A thrown error (or a rejected promise) is that input's
 * failure, with its message and the first 4 KiB of its stack; a cancel ends the wait at once even if
 * the function never settles (null: the input stays pending).
 */
export async function callModule(fn: TaskFunction, input: unknown, context: TaskFunctionContext): Promise<CallOutcome> {
  const { signal } = context
  if (signal.aborted) return null
  let onAbort = (): void => {}
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const value = await Promise.race([Promise.resolve().then(() => fn(input, context)), aborted])
    if (signal.aborted) return null
    return storable(value)
  } catch (error) {
    if (signal.aborted) return null
    return { ok: false, error: describe(error), code: 'threw' }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** The result as it will be stored: JSON, `undefined` as null. */
function storable(value: unknown): CallOutcome {
  try {
    const json = JSON.stringify(value)
    return { ok: true, result: json === undefined ? null : (JSON.parse(json) as unknown) }
  } catch (error) {
    return { ok: false, error: `The result cannot be stored as JSON: ${(error as Error).message}`, code: 'bad-result' }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // The version query that makes an edited module load anew means nothing to the reader.
    const stack = (error.stack ?? '').replace(/\?v=[\d.-]+/g, '')
    // A stack starts with the message: keep one copy.
    const body = stack.startsWith(`${error.name}: ${error.message}`)
      ? stack
      : `${error.name}: ${error.message}\n${stack}`
    return body.length > STACK_LIMIT ? `${body.slice(0, STACK_LIMIT)}…` : body
  }
  return `thrown: ${typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))}`.slice(0, STACK_LIMIT)
}
