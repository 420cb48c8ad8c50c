/**
 * Runs `work` over `items` with at most `limit` in flight, in order of the list; stops starting new
 * ones once the signal aborts (those already running see the same signal). `items` is read once, in
 * order, as far as the work goes (a task's units are made as they are read).
 */
export async function runLimited<T>(
  items: Iterable<T>,
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const next = items[Symbol.iterator]()
  const lane = async (): Promise<void> => {
    while (!signal.aborted) {
      const item = next.next()
      if (item.done) return
      await work(item.value)
    }
  }
  await Promise.all(Array.from({ length: Math.max(0, limit) }, lane))
}
