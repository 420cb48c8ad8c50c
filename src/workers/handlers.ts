import { copyHandler } from './kinds/copy'
import { probeHandler } from './kinds/probe'
import { urlsHandler } from './kinds/urls'
import type { HandlerRegistry } from './worker-runtime'

/** Every job kind's worker-side handler, by kind. */
export const handlers: HandlerRegistry = {
  copy: copyHandler,
  urls: urlsHandler,
  probe: probeHandler,
}
