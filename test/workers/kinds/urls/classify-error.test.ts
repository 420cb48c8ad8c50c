import { describe, expect, it } from 'vitest'
import { classifyError, UrlFetchError } from '../../../../src/workers/kinds/urls/classify-error'
import { parseRetryAfter } from '../../../../src/workers/kinds/urls/retry-policy'

const errno = (code: string, message = 'boom') => Object.assign(new Error(message), { code })

describe('classifyError', () => {
  it.each([
    ['ENOTFOUND', 'dns', false],
    ['EAI_AGAIN', 'dns', true],
    ['ECONNREFUSED', 'refused', true],
    ['ECONNRESET', 'reset', true],
    ['UND_ERR_SOCKET', 'reset', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', true],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', false],
    ['CERT_HAS_EXPIRED', 'tls', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', false],
    ['HPE_INVALID_CONSTANT', 'protocol', false],
    ['Z_DATA_ERROR', 'decode', false],
    ['ERR__ERROR_FORMAT_PADDING_1', 'decode', false],
    ['ESOMETHINGNEW', 'network', true],
  ])('%s → %s (retry: %s)', (code, errorClass, retryable) => {
    expect(classifyError(errno(code))).toMatchObject({ errorClass, retryable })
  })

  it('reads the code of a wrapped cause, and passes our own errors through', () => {
    expect(
      classifyError(
        Object.assign(new Error('fetch failed'), { cause: errno('ENOTFOUND', 'getaddrinfo ENOTFOUND x.example') }),
      ),
    ).toEqual({
      errorClass: 'dns',
      message: 'getaddrinfo ENOTFOUND x.example',
      retryable: false,
    })
    expect(classifyError(new UrlFetchError('too-large', 'big'))).toEqual({
      errorClass: 'too-large',
      message: 'big',
      retryable: false,
    })
  })
})

describe('Retry-After', () => {
  it("reads Retry-After as seconds or a date (the farm's retry policy bounds the wait)", () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('soon', now)).toBeNull()
  })
})
