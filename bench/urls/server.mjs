// A loopback page server for the URL benchmark: every request waits DELAY_MS, then gets a page of
// about PAGE_KB kilobytes of ordinary HTML (title, meta, headings, paragraphs, links, images).
// Usage: node server.mjs DELAY_MS PAGE_KB  → prints the port on stdout, serves until killed.
import { createServer } from 'node:http'

const delayMs = Number(process.argv[2] ?? 50)
const pageKb = Number(process.argv[3] ?? 20)

function makePage(bytes) {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Benchmark page</title>
<meta name="description" content="A page of ordinary HTML for the URL benchmark."><link rel="canonical" href="/canonical"></head><body>
<h1>Benchmark page</h1>\n`
  const block = (i) =>
    `<h2>Section ${i}</h2><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. <a href="/page/${i}">Internal link ${i}</a> and <a href="https://elsewhere.invalid/${i}">an external one</a>.</p><img src="/img/${i}.png" alt="picture ${i}">\n`
  let html = head
  for (let i = 0; html.length < bytes - 20; i++) html += block(i)
  return Buffer.from(html + '</body></html>\n')
}

const page = makePage(pageKb * 1024)
const server = createServer((req, res) => {
  const answer = () => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length })
    res.end(page)
  }
  if (delayMs > 0) setTimeout(answer, delayMs)
  else answer()
})
server.keepAliveTimeout = 30_000
server.maxHeadersCount = 100
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
