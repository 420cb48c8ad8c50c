import { spawn, type ChildProcess } from 'node:child_process'
import { cliEntry } from '../support/test-farm'

export interface CliRun {
  code: number | null
  out: string
  err: string
}

/** Runs the built CLI to its end (not a blocking spawn: tests poll files while it runs). */
export function runCli(args: string[], stdin = ''): Promise<CliRun> {
  const { done } = startCli(args, stdin)
  return done
}

/** `stdin` null: left open for the test to write to. */
export function startCli(args: string[], stdin: string | null = ''): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  child.stderr.on('data', (chunk) => (err += chunk))
  if (stdin !== null) child.stdin.end(stdin)
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, out, err })))
  return { child, done }
}

export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
