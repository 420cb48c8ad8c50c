import { jobSpecSchemaFor, type JobSpec } from '../shared/job-spec'
import { UserError } from '../shared/user-error'

/** A job spec from anywhere (IPC, WebSocket, CLI), or the first thing wrong with it as one sentence. */
export function parseSpec(input: unknown): JobSpec {
  const result = jobSpecSchemaFor(input).safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const where = issue.path.length ? ` (${issue.path.join('.')})` : ''
  throw new UserError(`${issue.message}${where}`, 'invalid-spec')
}
