// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import JobItemsTable from '../../src/renderer/src/components/JobItemsTable.vue'
import { fakeFarmApi, jobSummary, settle } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

const job = {
  ...jobSummary({ id: 5, state: 'completed-with-errors', itemsFailed: 1 }),
  spec: { kind: 'probe', count: 2, sleepMs: 0, failOn: [1], crashOn: [], hangOn: [], printOn: [] },
  notes: [],
  facts: {},
  timeline: [],
}
const failed = { id: 2, key: 'item 1', state: 'failed', error: 'boom', attempts: 3, result: null }

describe('"Copy failures"', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  const mountTable = async (writeText: (text: string) => Promise<void>) => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    setFarmApi(fakeFarmApi({ 'jobs.items': () => ({ items: [failed], total: 1 }) }).api)
    const wrapper = mountWithProviders(JobItemsTable, { job })
    await settle()
    const button = wrapper.findAll('button').find((b) => b.text() === 'Copy failures')!
    await button.trigger('click')
    await settle()
    return wrapper
  }

  it('puts one line per failed item on the clipboard', async () => {
    const writeText = vi.fn(async () => undefined)
    await mountTable(writeText)
    expect(writeText).toHaveBeenCalledWith('item 1\tboom')
    expect(document.body.textContent).toContain('1 failures copied')
  })

  it('says so when the clipboard refuses, instead of failing silently', async () => {
    await mountTable(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError')
    })
    expect(document.body.textContent).toContain('Could not copy the failures: Write permission denied.')
  })
})
