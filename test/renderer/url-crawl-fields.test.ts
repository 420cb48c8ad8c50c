// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import UrlJobDialog from '../../src/renderer/src/dialogs/UrlJobDialog.vue'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import { fakeFarmApi } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto as type } from './type-into'

const start = () => document.querySelector<HTMLButtonElement>('[data-testid=urls-start]')!

describe('UrlJobDialog: a crawl', () => {
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('sends a crawl from the start page with its depth, page bound and scope, and refuses a depth of 0', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeFarmApi({ 'jobs.check': () => ({ problems: [] }) })
    setFarmApi(fake.api)
    mountWithProviders(UrlJobDialog)
    useUiStore().openUrls()
    await vi.advanceTimersByTimeAsync(50)
    document.querySelector<HTMLElement>('[data-testid=urls-from-crawl]')!.click()
    await vi.advanceTimersByTimeAsync(10)
    expect(document.body.textContent).not.toContain('Respect robots.txt') // a crawl always does
    await type('[data-testid=urls-crawl-url] input', 'https://a.example/docs/')
    await type('[data-testid=urls-crawl-depth] input', '2')
    await type('[data-testid=urls-crawl-max-pages] input', '500')
    const prefix = [...document.querySelectorAll<HTMLElement>('[data-testid=urls-crawl-scope] label')].find((l) =>
      l.textContent?.includes('Below its path'),
    )!
    prefix.click()
    await vi.advanceTimersByTimeAsync(400)
    expect(start().disabled).toBe(false)
    const checked = fake.calls.filter((c) => c.channel === 'jobs.check').at(-1)!.request as { spec: { input: unknown } }
    expect(checked.spec.input).toEqual({
      type: 'crawl',
      url: 'https://a.example/docs/',
      depth: 2,
      maxPages: 500,
      scope: 'prefix',
    })

    await type('[data-testid=urls-crawl-depth] input', '0')
    await vi.advanceTimersByTimeAsync(10)
    expect(document.querySelector('[data-testid=urls-crawl-depth]')!.textContent).toContain('0 is out of range')
    expect(start().disabled).toBe(true)
  })
})
