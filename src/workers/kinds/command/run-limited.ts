/**
 * Runs `work` over `items` with at most `limit` in flight, in order of the list; stops starting new
 * ones once the signal aborts (those already running see the same signal).
 */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}
