import { statSync } from 'node:fs'
import { extname, isAbsolute, win32 } from 'node:path'
import { escapeCmdCommand, quoteForCmd } from '../../../shared/kinds/windows-command-line'

/**
 * Commands the way Windows runs them. Without a shell libuv looks a bare name up with `.com` and
 * `.exe` only: `PATHEXT` is a shell's business, so `npm`, `npx` and `code` (all `.cmd`) are "not
 * found". And since CVE-2024-27980 Node refuses to start a `.cmd`/`.bat` without a shell (EINVAL),
 * because cmd.exe reads its arguments; so we hand those to cmd.exe ourselves, quoted for it.
 */

export interface LookupEnv {
  PATH?: string
  PATHEXT?: string
  ComSpec?: string
}

/** Whether a path names a file; injected by the tests. */
export type IsFile = (path: string) => boolean

const isFileOnDisk: IsFile = (path) => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Environment names are case-insensitive on Windows (`Path` is common); a job's own `PATH` comes last and wins. */
export function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(env).findLast((k) => k.toUpperCase() === name.toUpperCase())
  return key === undefined ? undefined : env[key]
}

/**
 * The file a command name starts on Windows, as cmd.exe finds it: the folder the run starts in, then
 * each folder of `PATH`; in each, the name as typed when its extension is one of `PATHEXT`, then the
 * name with each of `PATHEXT`'s extensions in order. A name with a folder in it is looked up there
 * only. Null when nothing is found (the spawn then fails as "command not found").
 */
export function resolveWindowsCommand(
  name: string,
  env: Record<string, string | undefined>,
  cwd: string,
  isFile: IsFile = isFileOnDisk,
): string | null {
  const exts = (envValue(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((ext) => ext.startsWith('.'))
  const own = extname(name)
  const candidates = (folder: string): string[] => {
    const base = folder === '' ? name : win32.join(folder, name)
    const typed = own !== '' && exts.some((ext) => ext.toUpperCase() === own.toUpperCase()) ? [base] : []
    return [...typed, ...exts.map((ext) => base + ext.toLowerCase())]
  }
  const hasFolder = /[\\/]/.test(name)
  const folders = hasFolder
    ? [win32.isAbsolute(name) || isAbsolute(name) ? '' : cwd]
    : [cwd, ...(envValue(env, 'PATH') ?? '').split(';').map((f) => f.replace(/^"(.*)"$/, '$1'))]
  for (const folder of folders) {
    if (folder === '' && !hasFolder) continue
    for (const candidate of candidates(folder)) if (isFile(candidate)) return candidate
  }
  return null
}

export const isBatchFile = (path: string): boolean => /\.(cmd|bat)$/i.test(path)

export interface SpawnPlan {
  file: string
  args: string[]
  /** cmd.exe gets the line exactly as built (Node would otherwise quote it again). */
  windowsVerbatimArguments: boolean
}

/**
 * How to start `argv` on Windows without a shell: the resolved program as it is, or a batch file
 * through `cmd.exe /d /s /c "…"` (no AutoRun, quotes kept as given) with every argument quoted so
 * the program behind the batch file (npm.cmd hands `%*` to node.exe) gets each one back whole.
 */
export function windowsSpawnPlan(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
  isFile: IsFile = isFileOnDisk,
): SpawnPlan {
  const [name, ...args] = argv
  const resolved = resolveWindowsCommand(name!, env, cwd, isFile)
  if (resolved === null || !isBatchFile(resolved))
    return { file: resolved ?? name!, args, windowsVerbatimArguments: false }
  const line = [escapeCmdCommand(resolved), ...args.map((arg) => quoteForCmd(arg, true))].join(' ')
  return {
    file: envValue(env, 'ComSpec') ?? 'cmd.exe',
    args: ['/d', '/s', '/c', `"${line}"`],
    windowsVerbatimArguments: true,
  }
}
