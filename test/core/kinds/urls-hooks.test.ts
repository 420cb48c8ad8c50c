import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { urlsHooks } from '../../../src/core/kinds/urls'
import type { ItemRow } from '../../../src/shared/api-types'
import { urlsSpecSchema, type UrlResult, type UrlsSpec } from '../../../src/shared/kinds/urls'

const spec = (input: UrlsSpec['input']): UrlsSpec => urlsSpecSchema.parse({ kind: 'urls', input })

describe('urls hooks', () => {
  it('checks that the list is a readable file, or that pasted text is not blank', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-urls-check-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const list = join(dir, 'list.txt')
    writeFileSync(list, 'https://example.com/\n')
    expect(await urlsHooks.check(spec({ type: 'file', path: list }))).toEqual([])
    expect(await urlsHooks.check(spec({ type: 'file', path: join(dir, 'missing.txt') }))).toEqual([
      `The URL list ${join(dir, 'missing.txt')} does not exist.`,
    ])
    expect(await urlsHooks.check(spec({ type: 'file', path: dir }))).toEqual([`The URL list ${dir} is not a file.`])
    expect(await urlsHooks.check(spec({ type: 'text', text: '  \n' }))).toEqual(['The pasted text has no URLs.'])
    if (process.getuid?.() !== 0) {
      chmodSync(list, 0)
      expect((await urlsHooks.check(spec({ type: 'file', path: list })))[0]).toMatch(/cannot be read/)
    }
  })

  it('refuses pasted text with no http(s) URL before it starts, as the dialog does while typing', async () => {
    expect(await urlsHooks.check(spec({ type: 'text', text: 'hello world\nftp://x.example/' }))).toEqual([
      'The pasted text has no http(s) URL: 2 lines are not URLs.',
    ])
    expect(await urlsHooks.check(spec({ type: 'text', text: 'hello world\nhttps://a.example/' }))).toEqual([])
    expect(await urlsHooks.check(spec({ type: 'text', text: '# only a comment' }))).toEqual([
      'The pasted text has no URLs.',
    ])
  })

  it('maps a result row to every export column, and an engine failure to its error', () => {
    const result: UrlResult = {
      url: 'https://a.example/',
      finalUrl: 'https://a.example/home',
      status: 200,
      redirects: [{ status: 301, location: 'https://a.example/home' }],
      contentType: 'text/html',
      charset: 'utf-8',
      bodyBytes: 10,
      truncated: false,
      ttfbMs: 5,
      totalMs: 9,
      attempts: 1,
      errorClass: null,
      errorMessage: null,
      title: 'T',
      metaDescription: 'D',
      h1: 'H',
      h1Count: 1,
      canonical: null,
      metaRobots: null,
      lang: 'en',
      wordCount: 3,
      internalLinks: 1,
      externalLinks: 0,
      images: 0,
    }
    const item = (over: Partial<ItemRow>): ItemRow => ({
      id: 1,
      key: 'https://a.example/',
      state: 'done',
      attempts: 1,
      size: 0,
      error: null,
      result,
      ...over,
    })
    const { columns, row } = urlsHooks.exportRows!
    const done = row(item({}))
    expect(Object.keys(done)).toEqual([...columns])
    expect(done).toMatchObject({
      status: 200,
      redirects: 1,
      redirect_chain: '301 https://a.example/home',
      title: 'T',
      word_count: 3,
    })
    expect(row(item({ state: 'failed', error: 'worker crashed', result: null }))).toMatchObject({
      error_class: 'failed',
      error_message: 'worker crashed',
      status: null,
    })
  })
})
