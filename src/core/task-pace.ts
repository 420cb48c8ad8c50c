import { taskUnits, type TaskSizeInput } from './task-choice'
import type { Task } from './task'

/** What one task should take a worker, so progress stays smooth, cancels prompt and IPC cheap. */
const TASK_MS = 40
/** Units of a task before the job's pace is known: small, so the pace is learnt at once. */
const FIRST_UNITS = 32

/** A job's learnt cost of a unit and of a byte, so its tasks are sized by time (about TASK_MS each). */
export class TaskPace {
  private msPerUnit = 0
  private msPerByte = 0

  /** Whether a unit's cost is known yet. */
  get known(): boolean {
    return this.msPerUnit > 0
  }

  /** A unit costs this much or more, or its cost is not known yet (then it is taken to). */
  costsAtLeast(ms: number): boolean {
    return this.msPerUnit === 0 || this.msPerUnit >= ms
  }

  /** Units the next task may take (task-choice.ts decides, from the job's state and this pace). */
  units(job: Omit<TaskSizeInput, 'msPerUnit' | 'taskMs' | 'firstUnits'>): number {
    return taskUnits({ ...job, msPerUnit: this.msPerUnit, taskMs: TASK_MS, firstUnits: FIRST_UNITS })
  }

  /** Bytes the next task may take: by time once a byte's cost is known, else the kind's batch. */
  bytes(batchBytes: number): number {
    return this.msPerByte > 0 ? TASK_MS / this.msPerByte : batchBytes || Infinity
  }

  /**
   * Learns from a finished task how long units and bytes take: by the worker's own time for it when it
   * tells (`busyMs`), else by the time since it was sent.
   */
  learn(task: Task, now: number, busyMs?: number): void {
    if (task.type !== 'run' || task.sentUnits === 0) return
    const ms = Math.max(0.1, busyMs ?? now - task.sentAt)
    const ewma = (old: number, sample: number): number => (old > 0 ? (old + sample) / 2 : sample)
    // Big files cost by the byte, small ones by the file.
    if (task.sentBytes / task.sentUnits >= 1024 * 1024) this.msPerByte = ewma(this.msPerByte, ms / task.sentBytes)
    else this.msPerUnit = ewma(this.msPerUnit, ms / task.sentUnits)
  }
}
