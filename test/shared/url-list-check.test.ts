import { describe, expect, it } from 'vitest'
import { checkUrlText } from '../../src/shared/kinds/url-list-check'

describe('a URL list checked as it is typed', () => {
  it('counts distinct http(s) URLs and lists the lines that are not, with their numbers', () => {
    const check = checkUrlText(
      'https://a.example/\nhello world\n\n# a comment\nftp://x.example/\nhttps://A.example/#top\n',
    )
    expect(check).toEqual({
      valid: 1,
      firstValid: 'https://a.example/',
      duplicates: 1,
      invalidTotal: 2,
      invalid: [
        { line: 2, text: 'hello world', problem: '"hello world" is not an absolute URL (add http:// or https://)' },
        { line: 5, text: 'ftp://x.example/', problem: '"ftp://x.example/" is not an http or https URL' },
      ],
    })
  })

  it('leaves a CSV with a url column to its plan', () => {
    expect(checkUrlText('url,title\nhttps://a.example/,A')).toBeNull()
  })
})
