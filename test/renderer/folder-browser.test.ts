// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import FolderBrowser from '../../src/renderer/src/dialogs/FolderBrowser.vue'
import { fakeFarmApi, settle } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

const listing = (path: string) => ({
  path,
  parent: '/',
  entries: [{ name: 'bin', path: `${path}/bin`, isDirectory: true }],
})

describe('FolderBrowser', () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('shows where it is in a path field, and goes to a typed path on Enter', async () => {
    const fake = fakeFarmApi({ 'fs.list': (request) => listing((request as { path?: string }).path ?? '/home/ana') })
    setFarmApi(fake.api)
    mountWithProviders(FolderBrowser, { show: true, pick: 'folder' })
    await settle()
    const field = document.querySelector<HTMLInputElement>('[data-testid=browser-path] input')!
    expect(field.value).toBe('/home/ana')
    field.value = '/srv/data'
    field.dispatchEvent(new Event('input'))
    await nextTick()
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    await settle()
    expect(fake.calls.at(-1)).toEqual({ channel: 'fs.list', request: { path: '/srv/data' } })
    expect(field.value).toBe('/srv/data')
  })
})
