import { execFile } from 'node:child_process'

/** A login shell that reads slow profiles (nvm, conda) still gets this long; then the farm's own PATH is used. */
const LOGIN_SHELL_MS = 5000

let asked: Promise<string | undefined> | undefined

/**
 * The PATH a login shell of this user sets up (Homebrew's, `~/.local/bin`…), read once. An app started
 * from Finder has only the system's short PATH (`/usr/bin:/bin:/usr/sbin:/sbin`), so a command job
 * submitted from the window would not find the tools a terminal finds. Linux desktop sessions already
 * start apps with the profile's PATH, and Windows apps get the user's: there, nothing is asked.
 */
export function loginShellPath(platform = process.platform, shell = process.env.SHELL): Promise<string | undefined> {
  if (platform !== 'darwin' || !shell) return Promise.resolve(undefined)
  asked ??= readLoginPath(shell)
  return asked
}

/** `env` prints PATH the same way whatever the shell's own syntax (fish keeps $PATH as a list). */
export function readLoginPath(
  shell: string,
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      shell,
      ['-l', '-c', 'env'],
      {
        timeout: options.timeoutMs ?? LOGIN_SHELL_MS,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        maxBuffer: 1024 * 1024,
        env: options.env ?? process.env,
      },
      (error, stdout) => {
        if (error) return resolve(undefined)
        const line = stdout.split('\n').find((l) => l.startsWith('PATH='))
        resolve(line?.slice('PATH='.length) || undefined)
      },
    )
  })
}

/** The spec's environment, with the login shell's PATH when the job brought no PATH of its own. */
export async function withLoginPath<S extends { env: Record<string, string> }>(
  spec: S,
  loginPath: () => Promise<string | undefined> = loginShellPath,
): Promise<S> {
  if (spec.env.PATH !== undefined) return spec
  const path = await loginPath()
  return path ? { ...spec, env: { ...spec.env, PATH: path } } : spec
}
