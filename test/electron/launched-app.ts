import { resolve } from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import type { ApiChannel } from '../../src/shared/api'
import type { JobState } from '../../src/shared/job-state'

const root = resolve(import.meta.dirname, '../..')

/** The built app, started as a person would start it, on a data folder of its own. */
export interface LaunchedApp {
  app: ElectronApplication
  page: Page
  /** Console errors and uncaught exceptions of the page since launch. */
  errors: string[]
  /** Calls the farm through the real preload and IPC bridge, as the page does. */
  call<T = unknown>(channel: ApiChannel, request: unknown): Promise<T>
  /** Polls `jobs.get` until the job is in one of `states`; returns its detail. */
  jobIn(jobId: number, states: JobState[], timeoutMs?: number): Promise<JobLike>
  close(): Promise<void>
}

export interface JobLike {
  id: number
  state: JobState
  itemsDone: number
  itemsFailed: number
  itemsTotal: number
}

export async function launchApp(userData: string): Promise<LaunchedApp> {
  const env: Record<string, string> = { TASK_FARM_LAUNCH_TEST: '1' }
  for (const [name, value] of Object.entries(process.env)) {
    // The history goes where the app's data goes; a Node-mode Electron would not open a window.
    if (value !== undefined && name !== 'TASK_FARM_DB' && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value
  }
  const app = await electron.launch({
    executablePath: process.env.TASK_FARM_ELECTRON!,
    args: [root, `--user-data-dir=${userData}`],
    cwd: root,
    env,
    // Playwright adds --no-sandbox on Linux unless told otherwise: the renderer would then run
    // without its seccomp filter, and the sandbox check below could never pass.
    chromiumSandbox: true,
  })
  const page = await app.firstWindow()
  const errors: string[] = []
  page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())))
  page.on('pageerror', (error) => void errors.push(error.message))
  // Loaded again with the listeners in place, so nothing said while loading is missed.
  await page.reload()
  await page.getByTestId('nav-pools').waitFor()

  const call = async <T>(channel: ApiChannel, request: unknown): Promise<T> =>
    (await page.evaluate(
      ([c, r]) =>
        (window as unknown as { taskFarm: { call(c: string, r: unknown): Promise<unknown> } }).taskFarm.call(c, r),
      [channel, request] as const,
    )) as T
  const jobIn = async (jobId: number, states: JobState[], timeoutMs = 60_000): Promise<JobLike> => {
    const started = Date.now()
    for (;;) {
      const job = await call<JobLike>('jobs.get', { jobId })
      if (states.includes(job.state)) return job
      if (Date.now() - started > timeoutMs) throw new Error(`job ${jobId} is ${job.state}, not ${states.join('/')}`)
      await page.waitForTimeout(100)
    }
  }
  const close = async (): Promise<void> => {
    // Quit without the question: the test decides what happens to running jobs before this.
    await app.evaluate(({ app: electronApp }) => electronApp.exit(0)).catch(() => undefined)
    await app.close().catch(() => undefined)
  }
  return { app, page, errors, call, jobIn, close }
}

/** Polls `probe` until it returns something truthy (a bound on hangs, not a timing assertion). */
export async function eventually<T>(
  probe: () => Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
