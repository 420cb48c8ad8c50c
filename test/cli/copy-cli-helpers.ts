import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const cliEntry = resolve('out/node/cli.js')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `task-farm` to its end on its own history file; `through` is a command that runs it (setpriv). */
export function runCli(db: string, args: string[], options: { through?: string[] } = {}): CliRun {
  const [command, ...rest] = [...(options.through ?? []), process.execPath, cliEntry, '--db', db, ...args]
  const result = spawnSync(command!, rest, { encoding: 'utf8', timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

export function startCli(db: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [cliEntry, '--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Process ids of the direct children of `pid` (the CLI's workers). */
export function childPids(pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return children
}

/** `folders` folders of `files` small files each, every file different. */
export function makeManyFiles(root: string, folders: number, files: number): void {
  for (let d = 0; d < folders; d++) {
    const dir = join(root, `folder ${d}`)
    mkdirSync(dir, { recursive: true })
    for (let f = 0; f < files; f++) writeFileSync(join(dir, `file-${f}.txt`), `${d}/${f} `.repeat(50 + f))
  }
}

/** Every file path below `root` (relative), for counting progress and finding leftovers. */
export function listFiles(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
  } catch {
    return []
  }
}
