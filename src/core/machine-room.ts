import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, freemem } from 'node:os'
import { formatBytes } from '../shared/format'

/** What the machine has to spare, as the farm reads it before starting units or workers. */
export interface MachineReading {
  /** Memory a new process could use without swapping (Linux's MemAvailable; elsewhere free memory). */
  freeMemoryBytes: number
  /** Cores idle since the last reading (0 … the number of cores). */
  idleCores: number
}

export type ReadMachine = () => MachineReading

/**
 * Tests (and a person trying the limits) fake the machine through a JSON file named by this variable,
 * `{"freeMemoryBytes": N, "idleCores": N}`; a field left out is read from the system. Read on each
 * look, so rewriting the file makes memory "return" while a farm runs.
 */
export const MACHINE_READING_ENV = 'TASK_FARM_MACHINE_READING'

/** The system's reading, with the overrides of $TASK_FARM_MACHINE_READING when it is set. */
export function systemMachineReader(env: NodeJS.ProcessEnv = process.env): ReadMachine {
  let last = cpuTimes()
  return () => {
    const now = cpuTimes()
    const total = now.total - last.total
    const idleCores = total > 0 ? ((now.idle - last.idle) / total) * availableParallelism() : availableParallelism()
    last = now
    const real = { freeMemoryBytes: availableMemory(), idleCores }
    const file = env[MACHINE_READING_ENV]
    return file ? { ...real, ...fakeReading(file) } : real
  }
}

function fakeReading(file: string): Partial<MachineReading> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<MachineReading>
    const out: Partial<MachineReading> = {}
    if (typeof parsed.freeMemoryBytes === 'number') out.freeMemoryBytes = parsed.freeMemoryBytes
    if (typeof parsed.idleCores === 'number') out.idleCores = parsed.idleCores
    return out
  } catch {
    return {} // Being rewritten (or gone): the system's reading this once.
  }
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0
  let total = 0
  for (const cpu of cpus()) {
    idle += cpu.times.idle
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq + cpu.times.idle
  }
  return { idle, total }
}

/** MemAvailable counts the caches the kernel gives back; `freemem()` alone would call a warm machine full. */
function availableMemory(): number {
  if (process.platform === 'linux') {
    try {
      const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))
      if (match) return Number(match[1]) * 1024
    } catch {
      // No /proc: the portable reading below.
    }
  }
  return freemem()
}

/** Idle cores below this: the CPUs are busy, a new worker would only slow the others down. */
export const MIN_IDLE_CORES = 0.25

/** Memory a new worker is taken to need before it has reported its own. */
export const NEW_WORKER_BYTES = 64 * 1024 * 1024

/** Why the machine has no room for one more worker of `workerBytes`, or null when it has. */
export function noRoomFor(reading: MachineReading, memfreeBytes: number, workerBytes: number): string | null {
  // Without a --memfree, a new worker still leaves as much again free for the work it does.
  if (reading.freeMemoryBytes - workerBytes < Math.max(memfreeBytes, workerBytes))
    return `memory is low (${formatBytes(reading.freeMemoryBytes)} free${memfreeBytes ? `, --memfree ${formatBytes(memfreeBytes)}` : ''})`
  if (reading.idleCores < MIN_IDLE_CORES) return `the CPUs are busy (${reading.idleCores.toFixed(2)} cores idle)`
  return null
}
