import * as z from 'zod'

/**
 * What the owning farm does when a job ends (completed, with errors, failed, cancelled or timed out;
 * an interrupted job has not ended its work): notify (tray and toast), run a command.
 */
export const jobEndActionsSchema = z.object({
  notify: z.boolean().default(false),
  /** A command line for the platform shell, run once per end with TASK_FARM_JOB_* in its environment. */
  run: z.string().trim().max(10_000).optional(),
  /** The folder `run` runs in (the CLI's working folder); the farm's own when absent. */
  cwd: z.string().max(4096).optional(),
})
export type JobEndActions = z.infer<typeof jobEndActionsSchema>

/** The farm-wide action when the last running or queued job has ended (Settings). */
export const queueEmptyActionSchema = z.object({
  notify: z.boolean().default(false),
  run: z.string().trim().max(10_000).default(''),
})
export type QueueEmptyAction = z.infer<typeof queueEmptyActionSchema>
