import { expect, it, vi } from 'vitest'

const loaded = vi.hoisted(() => ({ client: false }))
vi.mock('../../../../src/workers/kinds/urls/http-client', async (original) => {
  loaded.client = true
  return original()
})

it('starts loading the HTTP client with the URL kind, before its first URL', async () => {
  // A worker started for a URL job loads the kind at boot: the client then loads while the farm gets ready.
  await import('../../../../src/workers/kinds/urls')
  await vi.waitFor(() => expect(loaded.client).toBe(true))
})
