import pidusage from 'pidusage'

export interface Usage {
  cpuPercent: number
  memoryBytes: number
}

/**
 * CPU and memory of worker processes, read once a second while there are any (from /proc on Linux,
 * ps on macOS, the OS's process list on Windows). Electron measures its utility processes itself.
 */
export class WorkerUsage {
  private latest = new Map<number, Usage>()
  private readonly timer: NodeJS.Timeout
  private busy = false

  constructor(
    private readonly pids: () => number[],
    private readonly onSample: () => void,
    everyMs = 1000,
  ) {
    this.timer = setInterval(() => void this.sample(), everyMs)
    this.timer.unref()
  }

  of(pid: number | null): Usage | undefined {
    return pid === null ? undefined : this.latest.get(pid)
  }

  close(): void {
    clearInterval(this.timer)
    pidusage.clear()
  }

  private async sample(): Promise<void> {
    const pids = this.pids()
    if (this.busy || (pids.length === 0 && this.latest.size === 0)) return
    this.busy = true
    try {
      // One process that ended between listing and reading must not hide the others.
      const results = await Promise.allSettled(pids.map((pid) => pidusage(pid)))
      const next = new Map<number, Usage>()
      results.forEach((r, i) => {
        if (r.status === 'fulfilled')
          next.set(pids[i]!, { cpuPercent: Math.round(r.value.cpu * 10) / 10, memoryBytes: r.value.memory })
      })
      this.latest = next
      this.onSample()
    } finally {
      this.busy = false
    }
  }
}
