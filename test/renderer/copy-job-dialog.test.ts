// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import CopyJobDialog from '../../src/renderer/src/dialogs/CopyJobDialog.vue'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import { UserError } from '../../src/shared/user-error'
import { fakeFarmApi } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto } from './type-into'

const type = (selector: string, value: string) => typeInto(`${selector} input`, value)
/** Every source exists (the dialog looks each one up as it is typed). */
const folder = (request: unknown) => ({ path: (request as { path: string }).path, parent: '/', entries: [] })
const startButton = () => document.querySelector<HTMLButtonElement>('[data-testid=copy-start]')!

describe('CopyJobDialog', () => {
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('shows the schema messages once typed, then the engine’s problems, and starts only when both are clear', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let problems = ['The destination is inside the source /data.']
    const fake = fakeFarmApi({
      'jobs.check': () => ({ problems }),
      'jobs.create': () => ({ jobId: 12 }),
      'fs.list': folder,
    })
    setFarmApi(fake.api)
    mountWithProviders(CopyJobDialog)
    useUiStore().openCopy({ sources: ['/data'] })
    await vi.advanceTimersByTimeAsync(50)

    // A dropped source fills one field: the other's message waits until it has been touched.
    expect(document.body.textContent).not.toContain('Give a destination folder.')
    await type('[data-testid=copy-destination]', '/d')
    await type('[data-testid=copy-destination]', ' ')
    expect(document.body.textContent).toContain('Give a destination folder.')
    expect(startButton().disabled).toBe(true)

    await type('[data-testid=copy-destination]', '/data/inside')
    await vi.advanceTimersByTimeAsync(400)
    expect(fake.calls.find((c) => c.channel === 'jobs.check')?.request).toMatchObject({
      spec: { sources: ['/data'], destination: '/data/inside' },
    })
    expect(document.querySelector('[data-testid=check-problems]')?.textContent).toContain(
      'The destination is inside the source /data.',
    )
    expect(startButton().disabled).toBe(true)

    problems = []
    await type('[data-testid=copy-destination]', '/elsewhere')
    await vi.advanceTimersByTimeAsync(400)
    expect(startButton().disabled).toBe(false)
    // Changed, not yet checked: a quick click must not start a spec the engine has not looked at.
    await type('[data-testid=copy-destination]', '/backup')
    await vi.advanceTimersByTimeAsync(100)
    expect(startButton().disabled).toBe(true)
    await vi.advanceTimersByTimeAsync(300)
    expect(startButton().disabled).toBe(false)
    startButton().click()
    await vi.advanceTimersByTimeAsync(50)
    expect(fake.calls.find((c) => c.channel === 'jobs.create')?.request).toEqual({
      spec: expect.objectContaining({
        kind: 'copy',
        sources: ['/data'],
        destination: '/backup',
        onConflict: 'skip',
        // Offered, and on unless the person unticks it.
        skipSystemFiles: true,
      }),
      options: { priority: 0, planOnly: false },
    })
    expect(useUiStore().jobId).toBe(12)
  })

  it('keeps the engine’s refusal in the dialog as one sentence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeFarmApi({
      'jobs.check': () => ({ problems: [] }),
      'fs.list': folder,
      'jobs.create': () => {
        throw new UserError('The destination disk has 1 MiB free; the copy needs 2 GiB.')
      },
    })
    setFarmApi(fake.api)
    mountWithProviders(CopyJobDialog)
    useUiStore().openCopy({ sources: ['/data'] })
    await vi.advanceTimersByTimeAsync(50)
    await type('[data-testid=copy-destination]', '/backup')
    await vi.advanceTimersByTimeAsync(400)
    document.querySelector<HTMLButtonElement>('[data-testid=copy-plan]')!.click()
    await vi.advanceTimersByTimeAsync(50)
    expect(fake.calls.find((c) => c.channel === 'jobs.create')?.request).toMatchObject({ options: { planOnly: true } })
    expect(document.body.textContent).toContain('The destination disk has 1 MiB free; the copy needs 2 GiB.')
    expect(useUiStore().copyDraft).not.toBeNull()
  })

  it('says a missing source at once, before any destination is typed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeFarmApi({
      'fs.list': (request) => {
        throw new UserError(`Cannot list ${(request as { path: string }).path}: it does not exist.`)
      },
    })
    setFarmApi(fake.api)
    mountWithProviders(CopyJobDialog)
    useUiStore().openCopy()
    await vi.advanceTimersByTimeAsync(50)
    await type('[data-testid=copy-source-0]', '/nowhere')
    await vi.advanceTimersByTimeAsync(400)
    expect(document.querySelector('[data-testid=copy-sources]')?.textContent).toContain(
      'Cannot list /nowhere: it does not exist.',
    )
    expect(document.body.textContent).not.toContain('Give a destination folder.')
  })
})
