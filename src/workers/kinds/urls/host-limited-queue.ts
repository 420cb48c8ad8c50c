/**
 * Runs work with at most `total` at once and at most `perKey` at once for one key (a host), so a
 * list dominated by one site cannot starve the others nor hammer that site. Work for a busy key
 * waits while later work for other keys goes ahead. One queue is shared by all the tasks a worker
 * holds for a job, so the limits hold for the worker, however many batches it has in hand.
 */
export class HostLimitedQueue {
  private readonly waiting: { key: string; start: () => void }[] = []
  private readonly activePerKey = new Map<string, number>()
  private active = 0

  constructor(private readonly limits: { total: number; perKey: number }) {}

  run(key: string, work: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        key,
        start: () =>
          void work().then(
            () => this.finish(key, resolve),
            (error: unknown) => {
              this.finish(key, () => reject(error))
            },
          ),
      })
      this.pump()
    })
  }

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0
  }

  private finish(key: string, settle: () => void): void {
    this.active--
    const left = this.activePerKey.get(key)! - 1
    if (left === 0) this.activePerKey.delete(key)
    else this.activePerKey.set(key, left)
    settle()
    this.pump()
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.active < this.limits.total;) {
      const { key, start } = this.waiting[i]!
      const busy = this.activePerKey.get(key) ?? 0
      if (busy >= this.limits.perKey) {
        i++
        continue
      }
      this.waiting.splice(i, 1)
      this.active++
      this.activePerKey.set(key, busy + 1)
      start()
    }
  }
}

/** Runs all `tasks` through a queue of their own (for callers with a single batch). */
export async function runHostLimited<T>(
  tasks: readonly T[],
  keyOf: (task: T) => string,
  limits: { total: number; perKey: number },
  work: (task: T) => Promise<void>,
): Promise<void> {
  const queue = new HostLimitedQueue(limits)
  await Promise.all(tasks.map((task) => queue.run(keyOf(task), () => work(task))))
}
