import { execFile } from 'node:child_process'
import { lstatSync, rmSync, type Stats } from 'node:fs'
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
 * download is still checked by Gatekeeper), through the system's `cp`: Node cannot, as libuv's
 * copyfile on macOS is a plain byte copy (`COPYFILE_FICLONE` copies, `COPYFILE_FICLONE_FORCE` gives
 * ENOSYS; its clonefile use was reverted). On the source's own volume `cp -c` makes an APFS clone,
 * which takes no time and falls back to copyfile(3) where the volume cannot clone; on another volume
 * `cp` is copyfile(3), keeping the metadata the destination can hold. One process per file: the
 * price of the metadata, which `metadata: false` does without.
 */
export async function copyOnMac(task: MacCopy, source: Stats, clone = process.platform === 'darwin'): Promise<void> {
  // `cp` writes through a link it finds under the temporary name: whatever is there goes first.
  rmSync(task.tempPath, { force: true })
  const sameVolume = lstatSync(task.destDir).dev === source.dev
  if (sameVolume && clone) {
    // A volume that cannot clone (HFS+): older `cp -c` fails there instead of copying; copy then.
    const cloned = await systemCopy(task, ['-c', '-p']).then(
      () => true,
      () => false,
    )
    task.signal.throwIfAborted()
    if (!cloned) await systemCopy(task, ['-p'])
  } else await systemCopy(task, ['-p'])
  task.progress(source.size)
}

function systemCopy(task: MacCopy, flags: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/cp',
      [...flags, task.srcPath, task.tempPath],
      { signal: task.signal, windowsHide: true },
      (error, _stdout, stderr) => {
        if (!error) return resolve()
        if (task.signal.aborted) return reject(new Error('The copy was cancelled.'))
        reject(cpError(String(stderr), task))
      },
    )
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
