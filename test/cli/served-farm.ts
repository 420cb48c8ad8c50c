import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { cliEntry } from '../support/test-farm'
import { childPids } from '../support/process-state'

export interface CliResult {
  code: number | null
  out: string
  err: string
}

/** Runs `task-farm` to its end without blocking this process (a served farm's events keep arriving meanwhile). */
export function cli(db: string, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const child = spawn(process.execPath, [cliEntry, '--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  return finished(child, timeoutMs)
}

export function startCli(
  db: string,
  args: string[],
): ChildProcess & { result: Promise<CliResult>; stdoutText(): string } {
  const child = spawn(process.execPath, [cliEntry, '--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout.on('data', (d) => (text += d))
  return Object.assign(child, { result: finished(child, 120_000), stdoutText: () => text })
}

function finished(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, out, err }))))
}

export interface Served {
  child: ChildProcess
  port: number
  token: string
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
  /** SIGKILL for the farm and its workers (a test's clean-up). */
  killAll(): Promise<number | null>
}

/** Where and how `serve` starts: its own folder and environment; `detached` gives it its own process group. */
export interface ServeStart {
  cwd?: string
  env?: NodeJS.ProcessEnv
  detached?: boolean
}

/** `task-farm serve --db DB`, with a stand-in page instead of the built window. */
export async function startServe(db: string, dir: string, start: ServeStart = {}): Promise<Served> {
  const page = join(dir, 'page')
  mkdirSync(page, { recursive: true })
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>Task Farm</title>')
  const child = spawn(process.execPath, [cliEntry, '--db', db, 'serve', '--renderer-dir', page], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...start,
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address:\n${output}`)), 20_000)
    child.stdout.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ port: Number(match[1]), token: match[2]! })
      }
    })
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
  })
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return {
    child,
    port,
    token,
    output: () => output,
    stop,
    killAll() {
      // A test's clean-up: SIGKILL gives the farm no time to end its workers, and one stuck in a busy
      // loop (a hung probe unit) cannot hear its parent go: it would spin on after the test.
      const workers = process.platform === 'win32' ? [] : childPids(child.pid!)
      const exit = stop('SIGKILL')
      for (const pid of workers)
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Gone already.
        }
      return exit
    },
  }
}

/** The window's connection to a served farm: every event it receives, kept for the test to look at. */
/** What the tests look at in an event's payload (a job summary or a pool). */
export interface SeenEvent {
  event: string
  payload: { id?: number; name?: string; size?: number }
}

export async function watchWindow(served: Served): Promise<{ events: SeenEvent[]; close(): void }> {
  const origin = `http://127.0.0.1:${served.port}`
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/api?token=${served.token}`, { origin })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const events: SeenEvent[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as SeenEvent & { type: string }
    if (message.type === 'event') events.push(message)
  })
  return { events, close: () => ws.terminate() }
}
