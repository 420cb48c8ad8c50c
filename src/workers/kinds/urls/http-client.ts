import type { Dispatcher } from 'undici'
import Agent from 'undici/lib/dispatcher/agent.js'
import requestOn from 'undici/lib/api/api-request.js'

// The two parts of undici a URL worker uses, loaded from their own files. undici's index also builds
// fetch, WebSocket, EventSource, mocks, caches and proxy agents: a worker spent ~55 ms loading it
// (bundled; ~90 ms as its hundred files) where these parts take ~20 ms, on the way to its first URL.
// undici has no `exports` map, so these paths are public files of the package; when an upgrade moves
// them, the build fails on the import, not a URL job.

export { Agent }

/** undici's `request(url, { dispatcher })`: one request on `dispatcher`, its answer's headers awaited. */
export function request(
  dispatcher: Dispatcher,
  url: string,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url)
  return requestOn.call(dispatcher, { ...options, origin, path: pathname + search })
}
