/**
 * Runs tasks with at most `limit` at once and at most `perKey` at once for one key (a host), so a
 * list dominated by one site cannot starve the others nor hammer that site. Tasks of a busy key
 * wait while later tasks of other keys go ahead.
 */
export async function runHostLimited<T>(
  tasks: readonly T[],
  keyOf: (task: T) => string,
  limits: { total: number; perKey: number },
  work: (task: T) => Promise<void>,
): Promise<void> {
  // Keys are worked out once: the waiting list is scanned again each time a task ends.
  const waiting = tasks.map((task) => ({ task, key: keyOf(task) }))
  const activePerKey = new Map<string, number>()
  let active = 0
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      for (let i = 0; i < waiting.length && active < limits.total; ) {
        const { task, key } = waiting[i]!
        const busy = activePerKey.get(key) ?? 0
        if (busy >= limits.perKey) {
          i++
          continue
        }
        waiting.splice(i, 1)
        active++
        activePerKey.set(key, busy + 1)
        work(task).then(() => {
          active--
          const left = activePerKey.get(key)! - 1
          if (left === 0) activePerKey.delete(key)
          else activePerKey.set(key, left)
          pump()
        }, reject)
      }
      if (active === 0 && waiting.length === 0) resolve()
    }
    pump()
  })
}
