import fc from 'fast-check'
import { Parser, type Handler } from 'htmlparser2'
import { describe, expect, it } from 'vitest'
import { TextSkippingTokenizer } from '../../../../src/workers/kinds/urls/skipping-tokenizer'

/** Every callback the parser makes, in order, with what it was given. */
function events(chunks: string[], skipping: boolean, xmlMode = false): unknown[][] {
  const seen: unknown[][] = []
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      seen.push([name, ...args])
    }
  const names: (keyof Handler)[] = [
    'onopentagname',
    'onattribute',
    'onopentag',
    'ontext',
    'onclosetag',
    'oncomment',
    'oncommentend',
    'oncdatastart',
    'oncdataend',
    'onprocessinginstruction',
    'onend',
  ]
  const handler = Object.fromEntries(names.map((name) => [name, record(name)])) as Partial<Handler>
  const parser = new Parser(handler, {
    decodeEntities: true,
    xmlMode,
    ...(skipping ? { Tokenizer: TextSkippingTokenizer } : {}),
  })
  for (const chunk of chunks) parser.write(chunk)
  parser.end()
  return seen
}

/** Pieces of HTML that meet every state the skipping touches, and many it does not. */
const piece = fc.constantFrom(
  '<',
  '>',
  '&',
  '"',
  "'",
  '=',
  ' ',
  '\n',
  '/',
  'a',
  'Lorem ipsum ',
  '&amp;',
  '&lt;',
  '&#x41;',
  '&#65',
  '&nosuch;',
  '&amp',
  '<p>',
  '</p>',
  '<a href="/x?a=1&amp;b=2">',
  "<a href='/y&z'>",
  '<img alt=picture&amp;more src=x.png>',
  '<br/>',
  '<!-- a comment & more -->',
  '<script>if (a < b && c) {}</script>',
  '<style>p > a { }</style>',
  '<title>T &amp; U</title>',
  '<![CDATA[ x < y ]]>',
  '<!doctype html>',
  '<?xml version="1.0"?>',
  '<textarea>&lt;b&gt;</textarea>',
  '<h1 class="x" id=\'y\' data-v="&quot;">',
  'ünïcödé ',
  '😀',
)

const html = fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join(''))

/** The text cut into chunks at the given places, as pages arrive from the network. */
const chunked = html.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 6 }).map((cuts) => {
    const at = [0, ...cuts.filter((c) => c < text.length).sort((a, b) => a - b), text.length]
    return at.slice(1).map((end, i) => text.slice(at[i], end))
  }),
)

describe('the tokenizer that reads text a run at a time', () => {
  it('gives the parser the same callbacks as the stock tokenizer, however the page is cut', () => {
    fc.assert(
      fc.property(chunked, (chunks) => {
        expect(events(chunks, true)).toEqual(events(chunks, false))
      }),
      { numRuns: 2000 },
    )
  })

  it('does the same in XML mode (sitemaps)', () => {
    fc.assert(
      fc.property(chunked, (chunks) => {
        expect(events(chunks, true, true)).toEqual(events(chunks, false, true))
      }),
      { numRuns: 500 },
    )
  })

  it('stops a run at an entity and at the tag after it', () => {
    const page = ['<p title="a &amp; b">Fish &amp; chips <b>hot</b> &lt;3</p>']
    expect(events(page, true)).toEqual(events(page, false))
    expect(events(page, true)).toContainEqual(['onattribute', 'title', 'a & b', '"'])
    const text = events(page, true).filter(([name]) => name === 'ontext')
    expect(text.map(([, part]) => part).join('')).toBe('Fish & chips hot <3')
  })
})
