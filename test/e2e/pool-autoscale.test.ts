import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PoolInfo } from '../../src/shared/api-types'
import { testBrowser } from '../support/suite-requirements'
import { accessibilityProblems, callFromPage, openServedWindow, type ServedWindow } from './e2e-support'

const token = 'e2e-autoscale-token-0123456789'
const GiB = 1024 ** 3

describe.skipIf(!testBrowser())("a pool's autoscale set from the window", { timeout: 180_000 }, () => {
  let window: ServedWindow | undefined
  let page: Page
  let readingDir = ''

  beforeAll(async () => {
    // A machine with room to spare whatever the test machine is doing (under `stress` it has none).
    readingDir = await mkdtemp(join(tmpdir(), 'tf-e2e-reading-'))
    const reading = join(readingDir, 'machine.json')
    writeFileSync(reading, JSON.stringify({ freeMemoryBytes: 16 * GiB, idleCores: 2 }))
    process.env.TASK_FARM_MACHINE_READING = reading
    try {
      window = await openServedWindow('tf-e2e-autoscale-', token)
    } finally {
      delete process.env.TASK_FARM_MACHINE_READING
    }
    page = window.page
  }, 120_000)

  afterAll(async () => {
    await window?.close()
    await rm(readingDir, { recursive: true, force: true })
  })

  const cpuPool = async (): Promise<PoolInfo> =>
    ((await callFromPage(page, token, 'pools.list', {})) as PoolInfo[]).find((p) => p.name === 'cpu')!

  it('is set from the keyboard, grows the pool to its maximum while units wait, then shrinks it', async () => {
    await callFromPage(page, token, 'pools.resize', { pool: 'cpu', size: 1 })
    await page.click('[data-testid=nav-pools]')
    const reason = page.locator('[data-testid=size-reason-cpu]')
    const said = async (): Promise<string> => (await reason.textContent())?.trim() ?? ''
    await expect.poll(said, { timeout: 30_000 }).toMatch(/^Size 1: /)

    // Switch it on, then the bounds: each field reached and named as a screen reader says it.
    await page.getByRole('switch', { name: 'Autoscale the cpu pool' }).focus()
    await page.keyboard.press('Space')
    for (const [name, value] of [
      ['Most workers in the cpu pool', '3'],
      ['Idle seconds before the cpu pool shrinks', '1'],
    ] as const) {
      await page.getByLabel(name, { exact: true }).focus()
      await page.keyboard.press('ControlOrMeta+A')
      await page.keyboard.type(value)
      await page.keyboard.press('Enter')
    }
    await expect
      .poll(async () => (await cpuPool()).autoscale, { timeout: 30_000 })
      .toEqual({
        min: 1,
        max: 3,
        idleSeconds: 1,
      })

    // Slow units wait: the pool grows to its maximum, never past it, and the window says why.
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'probe', count: 200, sleepMs: 200 },
    })) as { jobId: number }
    await expect.poll(said, { timeout: 60_000 }).toMatch(/^Size 3: /)
    expect((await cpuPool()).size).toBeLessThanOrEqual(3)
    expect(await accessibilityProblems(page)).toEqual([])

    // Idle after the job: back to its minimum.
    await callFromPage(page, token, 'jobs.cancel', { jobId })
    await expect.poll(said, { timeout: 60_000 }).toMatch(/^Size 1: /)
    expect(window!.pageProblems).toEqual([])
  })
})
