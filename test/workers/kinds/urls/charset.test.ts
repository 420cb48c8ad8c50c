import { describe, expect, it } from 'vitest'
import { createTextDecoder, pickCharset } from '../../../../src/workers/kinds/urls/charset'

/** Decodes `bytes` fed one slice at a time, cut at every `step` bytes. */
const decodeInSteps = (charset: string, bytes: Buffer, step: number): string => {
  const decoder = createTextDecoder(charset)
  let text = ''
  for (let i = 0; i < bytes.length; i += step) text += decoder.write(bytes.subarray(i, i + step))
  return text + decoder.end()
}

describe('page text decoding', () => {
  const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Café — 日本語 \u{1f600}')])

  it('decodes UTF-8 without its byte-order mark, however the bytes are cut', () => {
    for (const step of [1, 2, 3, 5, 64]) expect(decodeInSteps('utf-8', utf8, step)).toBe('Café — 日本語 \u{1f600}')
  })

  it('keeps a U+FEFF that is not the first character, and turns broken bytes into U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('a\u{feff}b'), Buffer.from([0xff, 0x61, 0xe2, 0x82])])
    expect(decodeInSteps('utf-8', bytes, 1)).toBe('a\u{feff}b\u{fffd}a\u{fffd}')
  })

  it('takes other encodings through iconv-lite, named by the header, the <meta> or the web’s aliases', () => {
    expect(pickCharset('latin1', Buffer.from(''))).toBe('windows-1252')
    expect(pickCharset(null, Buffer.from('<meta charset="Shift_JIS">'))).toBe('shift_jis')
    expect(pickCharset('no-such-charset', Buffer.from(''))).toBe('utf-8')
    expect(decodeInSteps('windows-1252', Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94]), 1)).toBe('“Café”')
  })
})
