import { execFile } from 'node:child_process'
import { constants, lstatSync, type Stats } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { SideError } from './errors'

/** What a copy on macOS needs of its task. */
export interface MacCopy {
  srcPath: string
  tempPath: string
  destDir: string
  signal: AbortSignal
  progress(bytes: number): void
}

/**
 * A copy that keeps what macOS keeps (extended attributes, ACLs, `com.apple.quarantine`, so a copied
 * download is still checked by Gatekeeper). On the source's own volume, `COPYFILE_FICLONE`: libuv
 * answers it with clonefile(2) on macOS, an APFS clone that takes no time and carries the metadata
 * (`COPYFILE_FICLONE_FORCE` only ever gives ENOSYS there). On another volume, the system's `cp`,
 * which goes through copyfile(3) and keeps the metadata the destination can hold.
 */
export async function copyOnMac(task: MacCopy, source: Stats): Promise<void> {
  const sameVolume = lstatSync(task.destDir).dev === source.dev
  if (sameVolume) {
    await copyFile(task.srcPath, task.tempPath, constants.COPYFILE_FICLONE).catch((error: unknown) => {
      throw new SideError('destination', error)
    })
  } else await systemCopy(task)
  task.progress(source.size)
}

function systemCopy(task: MacCopy): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/bin/cp', ['-p', task.srcPath, task.tempPath], { signal: task.signal }, (error, _stdout, stderr) => {
      if (!error) return resolve()
      if (task.signal.aborted) return reject(new Error('The copy was cancelled.'))
      reject(cpError(String(stderr), task))
    })
  })
}

/** `cp` says what went wrong in words: back to the error codes the copy's sentences are made from. */
export function cpError(stderr: string, paths: { srcPath: string; tempPath: string }): SideError {
  const text = stderr.trim().split('\n')[0] ?? 'cp failed'
  const known: [RegExp, string][] = [
    [/No space left on device/i, 'ENOSPC'],
    [/Disc quota exceeded/i, 'EDQUOT'],
    [/Operation not permitted/i, 'EPERM'],
    [/Permission denied/i, 'EACCES'],
    [/No such file or directory/i, 'ENOENT'],
    [/Read-only file system/i, 'EROFS'],
    [/File name too long/i, 'ENAMETOOLONG'],
    [/Input\/output error/i, 'EIO'],
  ]
  const code = known.find(([pattern]) => pattern.test(text))?.[1]
  const side = text.includes(paths.srcPath) ? 'source' : 'destination'
  const path = side === 'source' ? paths.srcPath : paths.tempPath
  return new SideError(side, Object.assign(new Error(text), { code, path }))
}
