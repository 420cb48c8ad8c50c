import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import type { UrlInput } from '../../../shared/kinds/urls'
import { UserError } from '../../../shared/user-error'

/** One candidate URL of the input, with the line it came from (1-based). */
export interface UrlLine {
  line: number
  text: string
}

/** Bytes looked at to tell a CSV from a plain list. */
const SNIFF_BYTES = 64 * 1024

/**
 * Streams the URL candidates of a list: a plain list (one per line, blank lines and `#` comments
 * skipped) or a CSV with a `url` column. Nothing is held in memory beyond the current record.
 */
export async function* readUrlList(input: Exclude<UrlInput, { type: 'sitemap' | 'crawl' }>): AsyncGenerator<UrlLine> {
  // The farm reads another job's units into a file before the plan goes out (from-job-inputs.ts).
  if (input.type === 'job') throw new Error('URLs from a job reached a worker unread')
  const head = input.type === 'text' ? input.text.slice(0, SNIFF_BYTES) : await readHead(input.path)
  const csv = (input.type === 'file' && /\.csv$/i.test(input.path)) || firstLineIsCsvHeader(head)
  const source = () => (input.type === 'text' ? Readable.from([input.text]) : createReadStream(input.path))
  yield* csv ? readCsv(source(), detectDelimiter(head)) : readLines(source())
}

async function readHead(path: string): Promise<string> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new UserError(`Cannot read the URL list ${path}: ${(error as Error).message}`, 'input-unreadable')
  }
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}

function firstLineIsCsvHeader(head: string): boolean {
  const first = head
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .find((line) => line.trim() !== '' && !line.trim().startsWith('#'))
  if (!first) return false
  return first.split(/[,;\t]/).some((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase() === 'url')
}

async function* readLines(stream: Readable): AsyncGenerator<UrlLine> {
  let line = 0
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++
    const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim()
    if (text === '' || text.startsWith('#')) continue
    yield { line, text }
  }
}

async function* readCsv(stream: Readable, delimiter: string): AsyncGenerator<UrlLine> {
  // The CSV parser loads for a CSV list only.
  const { parse } = await import('csv-parse')
  const parser = stream.pipe(
    parse({
      bom: true,
      delimiter,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
    }),
  )
  let sawUrlColumn = false
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>
      info: { lines: number }
    }>) {
      if (!sawUrlColumn) {
        if (!('url' in record)) throw new UserError('The CSV has no "url" column.', 'input-no-url-column')
        sawUrlColumn = true
      }
      const text = (record.url ?? '').trim()
      yield { line: info.lines, text }
    }
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`The CSV cannot be read: ${(error as Error).message}`, 'input-bad-csv')
  }
}

/** The header line's separator: one per file, so a `;` inside a URL of a comma CSV stays in the URL. */
function detectDelimiter(head: string): string {
  const first = head.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trim().startsWith('#')) ?? ''
  if (first.includes(',')) return ','
  if (first.includes('\t')) return '\t'
  if (first.includes(';')) return ';'
  return ','
}
