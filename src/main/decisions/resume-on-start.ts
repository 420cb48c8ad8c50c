import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import * as z from 'zod'

/**
 * The jobs someone chose to pause when quitting: the farm leaves them `interrupted`, and the next
 * start resumes exactly these (not jobs interrupted by a crash, which wait for the person).
 */
const fileSchema = z.object({ jobIds: z.array(z.number().int().positive()) })

export function rememberJobsToResume(file: string, jobIds: readonly number[]): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ jobIds: [...new Set(jobIds)] }))
}

/** Reads and forgets the list, so a job is resumed at most once even if resuming it fails. */
export function takeJobsToResume(file: string): number[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  rmSync(file, { force: true })
  try {
    return fileSchema.parse(JSON.parse(text)).jobIds
  } catch {
    return []
  }
}
