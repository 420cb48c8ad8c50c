import type { UrlErrorClass } from '../../../shared/kinds/urls'

/** A network failure put in words: its class, a message for the person, and whether to try again. */
export interface ClassifiedError {
  errorClass: UrlErrorClass
  message: string
  retryable: boolean
}

/** Thrown by our own checks (deadline, size, redirects) so they classify like network errors. */
export class UrlFetchError extends Error {
  constructor(
    readonly errorClass: UrlErrorClass,
    message: string,
    readonly retryable = false,
  ) {
    super(message)
  }
}

const tlsCodes =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL_)/

/** Turns whatever undici, Node's sockets, DNS or zlib threw into a result-row error class. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof UrlFetchError) {
    return { errorClass: error.errorClass, message: error.message, retryable: error.retryable }
  }
  const err = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- codes are strings or numbers (Node, undici); String() only guards the odd object
  const code = String(err?.code ?? err?.cause?.code ?? '')
  const message = String(err?.cause?.message ?? err?.message ?? error)
  const is = (errorClass: UrlErrorClass, retryable: boolean): ClassifiedError => ({
    errorClass,
    message: code && !message.includes(code) ? `${code}: ${message}` : message,
    retryable,
  })
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return is('dns', false)
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return is('dns', true)
    case 'ECONNREFUSED':
      return is('refused', true)
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return is('reset', true)
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return is('timeout', true)
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      // The whole budget of the request is spent already; trying again would spend it again.
      return is('timeout', false)
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return is('protocol', false)
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return is('decode', false)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return is('network', true)
  }
  if (tlsCodes.test(code) || /certificate|ssl|tls/i.test(message)) return is('tls', false)
  if (code.startsWith('HPE_')) return is('protocol', false)
  // Brotli reports codes such as ERR__ERROR_FORMAT_PADDING_1.
  if (/^(Z_|ERR_BROTLI|ERR_ZLIB|ERR__ERROR_)/.test(code)) return is('decode', false)
  return is('network', true)
}
