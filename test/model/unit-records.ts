import { existsSync, readFileSync } from 'node:fs'

/** One run of a unit as its own records tell it: when it started and, if it got there, how it ended. */
export interface UnitRun {
  name: string
  pid: number
  start: number
  end: number | null
  code: number | null
  /** The last moment a step saw its process alive (runs that never recorded an end). */
  seenAlive: number
}

/** Reads a job's records file (lines `start NAME PID MS` and `end NAME PID MS CODE`) into runs. */
export function readRuns(path: string, previous: UnitRun[] = []): UnitRun[] {
  if (!existsSync(path)) return []
  const byPid = new Map(previous.map((r) => [`${r.name} ${r.pid} ${r.start}`, r]))
  const runs: UnitRun[] = []
  const open = new Map<string, UnitRun>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [what, name, pid, at, code] = line.split(' ')
    if (!name || !pid || !at) continue
    if (what === 'start') {
      const known = byPid.get(`${name} ${pid} ${at}`)
      const run: UnitRun = {
        name,
        pid: Number(pid),
        start: Number(at),
        end: null,
        code: null,
        seenAlive: known?.seenAlive ?? Number(at),
      }
      runs.push(run)
      open.set(`${name} ${pid}`, run)
    } else if (what === 'end') {
      const run = open.get(`${name} ${pid}`)
      if (!run) continue
      run.end = Number(at)
      run.code = Number(code)
      open.delete(`${name} ${pid}`)
    }
  }
  return runs
}

/** Whether a process runs: a zombie (killed, not yet reaped by whoever adopted it) does not. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

/**
 * When a run stopped, as far as the test can tell without guessing late: its recorded end, or (killed
 * without an end) the last moment it was seen alive, or now when it still lives.
 */
export function runEnd(run: UnitRun, now: number, alive: (pid: number) => boolean): number {
  if (run.end !== null) return run.end
  return alive(run.pid) ? now : run.seenAlive
}

/** The most runs of one job that overlapped in time, and one moment when they did. */
export function mostAtOnce(
  runs: UnitRun[],
  endOf: (run: UnitRun) => number,
): { count: number; at: number; names: string[] } {
  const edges = runs.flatMap((r) => [
    { at: r.start, delta: 1, run: r },
    { at: endOf(r), delta: -1, run: r },
  ])
  // Ends before starts at the same moment: a slot freed and taken again in one millisecond is not two at once.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta)
  let count = 0
  let best = { count: 0, at: 0, names: [] as string[] }
  const current = new Set<UnitRun>()
  for (const edge of edges) {
    count += edge.delta
    if (edge.delta > 0) current.add(edge.run)
    else current.delete(edge.run)
    if (count > best.count) best = { count, at: edge.at, names: [...current].map((r) => r.name) }
  }
  return best
}
