import { endWithFarm } from './end-with-farm'
import type { HandlerLoaders } from './worker-runtime'

/**
 * Every job kind's worker-side handler, loaded on first use: a worker that only ever copies never
 * loads the HTTP client and HTML parser, and starts in a fraction of the time.
 */
export const handlers: HandlerLoaders = {
  copy: () => import('./kinds/copy').then((m) => m.copyHandler),
  urls: () => import('./kinds/urls').then((m) => m.urlsHandler),
  probe: () => import('./kinds/probe').then((m) => m.probeHandler),
  command: () => import('./kinds/command').then((m) => m.commandHandler),
  // A module's function runs in this thread and may never give it back.
  module: () => (endWithFarm(), import('./kinds/module').then((m) => m.moduleHandler)),
  verify: () => import('./kinds/verify').then((m) => m.verifyHandler),
}
