// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import HostPaceTable from '../../src/renderer/src/components/HostPaceTable.vue'
import UrlJobDialog from '../../src/renderer/src/dialogs/UrlJobDialog.vue'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import { fakeFarmApi } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto as type } from './type-into'

const start = () => document.querySelector<HTMLButtonElement>('[data-testid=urls-start]')!

describe('UrlJobDialog: rate, extraction and preview', () => {
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('sends the rate and rules with the spec, previews them on the first URL, and refuses an unreadable rate', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fake = fakeFarmApi({
      'jobs.check': () => ({ problems: [] }),
      'urls.preview': () => ({ status: 200, finalUrl: 'https://a.example/', values: { price: '12 EUR' } }),
    })
    setFarmApi(fake.api)
    mountWithProviders(UrlJobDialog)
    useUiStore().openUrls()
    await vi.advanceTimersByTimeAsync(50)
    await type('[data-testid=urls-text] textarea', 'https://a.example/\nhttps://b.example/')
    await type('[data-testid=urls-rate] input', '300/min')
    await type('[data-testid=urls-extract] textarea', 'price=css:.price')
    await vi.advanceTimersByTimeAsync(400)
    expect(start().disabled).toBe(false)
    const checked = fake.calls.filter((c) => c.channel === 'jobs.check').at(-1)!.request as {
      spec: { ratePerSecond: number; extract: unknown[] }
    }
    expect(checked.spec).toMatchObject({
      ratePerSecond: 5,
      extract: [{ name: 'price', type: 'css', pattern: '.price' }],
    })

    const preview = [...document.querySelectorAll('[data-testid=urls-preview] button')].at(-1) as HTMLButtonElement
    preview.click()
    await vi.advanceTimersByTimeAsync(10)
    expect(fake.calls.find((c) => c.channel === 'urls.preview')!.request).toMatchObject({
      url: 'https://a.example/',
      extract: [{ name: 'price' }],
    })
    expect(document.querySelector('[data-testid=urls-preview-values]')!.textContent).toContain('12 EUR')

    await type('[data-testid=urls-rate] input', 'fast')
    await vi.advanceTimersByTimeAsync(10)
    expect(document.querySelector('[data-testid=urls-rate]')!.textContent).toContain('such as 5/s or 300/min')
    expect(start().disabled).toBe(true)
  })

  it('shows each host’s pace', () => {
    mountWithProviders(HostPaceTable, {
      hosts: [
        {
          host: 'a.example',
          rate: 2.5,
          crawlDelayMs: 1000,
          perSecond: 2,
          requests: 40,
          throttled: 3,
          backoffs: 2,
          waiting: 7,
        },
      ],
    })
    const text = document.querySelector('[data-testid=host-pace]')!.textContent
    for (const part of ['a.example', '2/s', '2.5/s · Crawl-delay 1 s', '40', '3', '7']) expect(text).toContain(part)
  })
})
