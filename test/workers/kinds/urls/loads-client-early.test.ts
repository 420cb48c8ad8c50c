import { expect, it, vi } from 'vitest'

const loaded = vi.hoisted(() => ({ undici: false }))
vi.mock('undici', async (original) => {
  loaded.undici = true
  return original()
})

it('starts loading the HTTP client with the URL kind, before its first URL', async () => {
  // A worker started for a URL job loads the kind at boot: the client then loads while the farm gets ready.
  await import('../../../../src/workers/kinds/urls')
  await vi.waitFor(() => expect(loaded.undici).toBe(true))
})
