import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { urlsSpecSchema, type UrlsSpec } from '../../../../src/shared/kinds/urls'
import { urlsHandler } from '../../../../src/workers/kinds/urls'
import { fakePlanContext } from './fake-contexts'

const spec = (input: UrlsSpec['input']): UrlsSpec => urlsSpecSchema.parse({ kind: 'urls', input })
const dirs: string[] = []
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
const tempFile = (name: string, text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-urls-'))
  dirs.push(dir)
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('urls plan', () => {
  it('streams each unique valid URL of a text list and reports invalid lines by number', async () => {
    const list = [
      '# my sites',
      'https://Example.com/a#part',
      '',
      '  http://example.com:80/b  ',
      'example.com/no-scheme',
      'ftp://example.com/file',
      'https://example.com/a',
      'http://[bad',
      'https://example.com/./c/../d?q=1',
    ].join('\r\n')
    const { ctx, items, logs } = fakePlanContext()
    const summary = await urlsHandler.plan(spec({ type: 'file', path: tempFile('list.txt', list) }), ctx)
    expect(items.map((i) => i.key)).toEqual([
      'https://example.com/a',
      'http://example.com/b',
      'https://example.com/d?q=1',
    ])
    expect(items.map((i) => i.payload)).toEqual([{ line: 2 }, { line: 4 }, { line: 9 }])
    expect(logs.map((l) => l.message.split(':')[0])).toEqual(['line 5', 'line 6', 'line 8'])
    expect(logs.every((l) => l.level === 'warn')).toBe(true)
    expect(summary?.facts).toEqual({ valid: 3, invalid: 3, duplicates: 1 })
  })

  it('reads the url column of a CSV file, whatever its position', async () => {
    const csv =
      'name,URL,notes\nhome,https://example.com/,"first, of all"\nbad,not a url,x\n"quoted","https://example.com/q?a=1,2",y\n'
    const { ctx, items, logs } = fakePlanContext()
    await urlsHandler.plan(spec({ type: 'file', path: tempFile('sites.csv', csv) }), ctx)
    expect(items.map((i) => i.key)).toEqual(['https://example.com/', 'https://example.com/q?a=1,2'])
    expect(logs).toHaveLength(1)
    expect(logs[0]!.message).toMatch(/^line 3:/)
  })

  it('tells a CSV from pasted text by its header', async () => {
    const { ctx, items } = fakePlanContext()
    await urlsHandler.plan(spec({ type: 'text', text: 'url;title\nhttps://a.example/;A\nhttps://b.example/x;B' }), ctx)
    expect(items.map((i) => i.key)).toEqual(['https://a.example/', 'https://b.example/x'])
  })

  it('refuses a CSV without a url column, an empty list and a missing file with a clear message', async () => {
    await expect(
      urlsHandler.plan(spec({ type: 'file', path: tempFile('x.csv', 'name,link\na,b\n') }), fakePlanContext().ctx),
    ).rejects.toThrow('The CSV has no "url" column.')
    await expect(
      urlsHandler.plan(spec({ type: 'text', text: '# nothing\n\n' }), fakePlanContext().ctx),
    ).rejects.toThrow('The list has no URLs.')
    await expect(urlsHandler.plan(spec({ type: 'text', text: 'nope\nnada' }), fakePlanContext().ctx)).rejects.toThrow(
      /no valid http\(s\) URL/,
    )
    await expect(
      urlsHandler.plan(spec({ type: 'file', path: '/nonexistent/list.txt' }), fakePlanContext().ctx),
    ).rejects.toMatchObject({
      name: 'UserError',
      code: 'input-unreadable',
    })
  })
})
