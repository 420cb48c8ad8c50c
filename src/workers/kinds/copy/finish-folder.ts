import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import type { CopySpec } from '../../../shared/kinds/copy'
import { onSide } from './errors'
import { isAnyTempName, isTempName } from './names'

/** How long a folder waits for content that makes no visible progress before its times are set anyway. */
const STALL_MS = 2000
/** Polls start fast (the content is usually a few milliseconds away) and slow down. */
const FIRST_POLL_MS = 1
const MAX_POLL_MS = 25

export interface FolderTask {
  spec: CopySpec
  srcPath: string
  destPath: string
  /** Entries the folder holds once everything in it is copied. */
  expect: number
  /** The source folder itself (not a folder inside it). */
  isSourceRoot: boolean
  jobId: number
  signal: AbortSignal
  log(message: string): void
}

/**
 * Makes a folder (empty folders are copied too) and, once its content is in place, gives it the
 * source's mode and times: writing into a folder changes its time, so this comes after its content.
 * The plan puts each folder after its content, but another worker may still be finishing files of
 * it, so the folder waits while its entry count or its temporary files keep changing.
 */
export async function finishFolder(task: FolderTask): Promise<void> {
  const { spec, srcPath, destPath } = task
  onSide('destination', () => mkdirSync(destPath, { recursive: true }))
  // A source folder given as a link is copied as the folder it leads to, like a followed link.
  const follow = spec.symlinks === 'follow' || task.isSourceRoot
  const source = onSide('source', () => (follow ? statSync(srcPath) : lstatSync(srcPath)))
  if (!spec.preserve) return
  if (!(await waitForContent(task))) task.log(`Folder ${destPath}: content still missing; its times were set anyway.`)
  onSide('destination', () => {
    chmodSync(destPath, source.mode & 0o7777)
    utimesSync(destPath, source.atimeMs / 1000, source.mtimeMs / 1000)
  })
}

async function waitForContent(task: FolderTask): Promise<boolean> {
  let last = ''
  let since = Date.now()
  let poll = FIRST_POLL_MS
  for (;;) {
    const { count, temps } = look(task)
    if (count >= task.expect) return true
    const signature = `${count}:${temps}`
    if (signature !== last) {
      last = signature
      since = Date.now()
    } else if (Date.now() - since > STALL_MS) return false
    await new Promise((done) => setTimeout(done, poll))
    poll = Math.min(MAX_POLL_MS, poll * 2)
    task.signal.throwIfAborted()
  }
}

/** Entries in place, and the sizes of this job's temporary files (they grow while a copy is under way). */
function look(task: FolderTask): { count: number; temps: string } {
  let count = 0
  let temps = ''
  for (const name of readdirSync(task.destPath)) {
    if (isTempName(name, task.jobId))
      temps += `${lstatSync(join(task.destPath, name), { throwIfNoEntry: false })?.size ?? 0},`
    else if (!isAnyTempName(name)) count++
  }
  return { count, temps }
}
