import { describe, expect, it } from 'vitest'
import { isSafeExternalUrl } from '../../../src/main/decisions/external-url'

describe('isSafeExternalUrl', () => {
  it('lets web links through', () => {
    expect(isSafeExternalUrl('https://example.org/a?b=c')).toBe(true)
    expect(isSafeExternalUrl('http://127.0.0.1:8080/')).toBe(true)
  })

  it('refuses every other scheme and anything that is not a URL', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'ms-msdt:/id',
      'data:text/html,hi',
      'mailto:a@b.c',
      'not a url',
      '',
      'http://',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false)
    }
  })
})
