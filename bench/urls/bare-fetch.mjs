// The floor for the URL benchmark: one Node process, N requests in flight with the built-in fetch,
// each body read and dropped; no parsing, no history.  Usage: node bare-fetch.mjs LIST [IN_FLIGHT]
import { readFileSync } from 'node:fs'

const [list, inFlight = '128'] = process.argv.slice(2)
const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean)
let next = 0
async function lane() {
  while (next < urls.length) {
    const response = await fetch(urls[next++])
    await response.arrayBuffer()
  }
}
await Promise.all(Array.from({ length: Number(inFlight) }, lane))
