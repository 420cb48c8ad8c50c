import { createRequire } from 'node:module'
export interface Usage {
  cpuPercent: number
  memoryBytes: number
}

type Stat = { cpu: number; memory: number }
/** Reads many processes in one go: pidusage asks the OS once for a list (one `ps`, one `wmic`). */
export type ReadUsage = (pids: number[]) => Promise<Record<number, Stat>>

// Loaded with the first reading, a second after the first worker starts, not by every farm as it opens;
// through `require`, which always gives the module's own export (an `import()` of this CommonJS
// package in a farm resumed after a kill gave an object in its place, seen in cli.test.ts).
let pidusage: typeof import('pidusage') | undefined
const readAll: ReadUsage = (pids) =>
  (pidusage ??= createRequire(import.meta.url)('pidusage') as typeof import('pidusage'))(pids)

/**
 * CPU and memory of worker processes, read once a second while there are any (from /proc on Linux,
 * ps on macOS, wmic on Windows), all the farm's workers in one reading: on Windows each reading
 * starts a process, so one per worker per second was a process a second per worker.
 * Electron measures its utility processes itself.
 */
export class WorkerUsage {
  private latest = new Map<number, Usage>()
  private readonly timer: NodeJS.Timeout
  private busy = false

  constructor(
    private readonly pids: () => number[],
    private readonly onSample: () => void,
    everyMs = 1000,
    private readonly read: ReadUsage = readAll,
  ) {
    this.timer = setInterval(() => void this.sample(), everyMs)
    this.timer.unref()
  }

  of(pid: number | null): Usage | undefined {
    return pid === null ? undefined : this.latest.get(pid)
  }

  close(): void {
    clearInterval(this.timer)
    pidusage?.clear()
  }

  private async sample(): Promise<void> {
    const pids = this.pids()
    if (this.busy || (pids.length === 0 && this.latest.size === 0)) return
    this.busy = true
    try {
      const stats = pids.length === 0 ? {} : await this.readEach(pids)
      const next = new Map<number, Usage>()
      for (const pid of pids) {
        const stat = stats[pid]
        if (stat) next.set(pid, { cpuPercent: Math.round(stat.cpu * 10) / 10, memoryBytes: stat.memory })
      }
      this.latest = next
      this.onSample()
    } finally {
      this.busy = false
    }
  }

  /** All at once; when that fails (a worker ended between listing and reading), one by one, this time only. */
  private async readEach(pids: number[]): Promise<Record<number, Stat>> {
    try {
      return await this.read(pids)
    } catch {
      const results = await Promise.allSettled(pids.map((pid) => this.read([pid])))
      return Object.assign({}, ...results.map((r) => (r.status === 'fulfilled' ? r.value : {}))) as Record<number, Stat>
    }
  }
}
