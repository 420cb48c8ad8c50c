// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import UrlJobDialog from '../../src/renderer/src/dialogs/UrlJobDialog.vue'
import { rangeProblem } from '../../src/renderer/src/dialogs/number-range'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import { fakeFarmApi } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto as type } from './type-into'

const start = () => document.querySelector<HTMLButtonElement>('[data-testid=urls-start]')!

describe('UrlJobDialog numbers', () => {
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('says an out-of-range number instead of clamping it, shows the range, and keeps Start off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    setFarmApi(fakeFarmApi({ 'jobs.check': () => ({ problems: [] }) }).api)
    mountWithProviders(UrlJobDialog)
    useUiStore().openUrls()
    await vi.advanceTimersByTimeAsync(50)
    await type('[data-testid=urls-text] textarea', 'https://a.example/')
    await vi.advanceTimersByTimeAsync(400)
    expect(start().disabled).toBe(false)
    const field = document.querySelector('[data-testid=urls-concurrency]')!
    expect(field.textContent).toContain('Requests in flight (1–1,000)')
    await type('[data-testid=urls-concurrency] input', '100000')
    field.querySelector('input')!.dispatchEvent(new Event('blur'))
    await vi.advanceTimersByTimeAsync(400)
    expect(field.querySelector('input')!.value).toBe('100000')
    expect(field.textContent).toContain('100,000 is out of range: give 1 to 1,000.')
    expect(start().disabled).toBe(true)
  })

  it('words each kind of mistake', () => {
    expect(rangeProblem(0, 1, 1000)).toBe('0 is out of range: give 1 to 1,000.')
    expect(rangeProblem(null, 0, 10)).toBe('Give a number from 0 to 10.')
    expect(rangeProblem(2.5, 0, 10)).toBe('Give a whole number from 0 to 10.')
    expect(rangeProblem(5, 0, 10)).toBeNull()
  })
})
