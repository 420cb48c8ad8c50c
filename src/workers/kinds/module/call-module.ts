import { STACK_LIMIT } from '../../../shared/kinds/module-input'
import type { TaskFunction, TaskFunctionContext } from './load-task-module'

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: string; code: string } | null

/**
 * Calls the person's function for one input. A thrown error (or a rejected promise) is that input's
 * failure, with its message and the first 4 KiB of its stack; a cancel ends the wait at once even if
 * the function never settles (null: the input stays pending). A function that returns a plain value
 * (Pool.map of a pure function) is answered at once: no promise, no listener, nothing to wait for.
 */
export function callModule(
  fn: TaskFunction,
  input: unknown,
  context: TaskFunctionContext,
): CallOutcome | Promise<CallOutcome> {
  if (context.signal.aborted) return null
  let value: unknown
  try {
    value = fn(input, context)
  } catch (error) {
    return { ok: false, error: describe(error), code: 'threw' }
  }
  return isThenable(value) ? settle(value, context.signal) : storable(value)
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function'

/** What the cancel's promise resolves to: never a value a function returns. */
const CANCELLED = Symbol('cancelled')

/**
 * Waits for a promised result, or for a cancel, whichever comes first. A result that came first is
 * kept even when the cancel follows at once: the call finished, and a resume must not make it again.
 */
async function settle(promised: PromiseLike<unknown>, signal: AbortSignal): Promise<CallOutcome> {
  let onAbort = (): void => {}
  const aborted = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const value = await Promise.race([promised, aborted])
    if (value === CANCELLED) return null
    return storable(value)
  } catch (error) {
    if (signal.aborted) return null
    return { ok: false, error: describe(error), code: 'threw' }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** The result as it will be stored: JSON, `undefined` as null (plain values as they are, unencoded). */
function storable(value: unknown): CallOutcome {
  if (typeof value === 'number') return { ok: true, result: Number.isFinite(value) ? value : null }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null || value === undefined)
    return { ok: true, result: value ?? null }
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
