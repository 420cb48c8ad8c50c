import type { z } from 'zod'
import { apiChannels, type ApiChannel, type ApiResult } from '../shared/api'
import { desktopChannels, type DesktopChannel, type DesktopResponse } from '../shared/desktop-api'
import { toErrorInfo, UserError } from '../shared/user-error'
import type { ApiHandlers } from '../core/api-handlers'

export type DesktopHandlers = {
  [C in DesktopChannel]: (request: z.output<(typeof desktopChannels)[C]['request']>) => Promise<DesktopResponse<C>>
}

export interface DispatchOptions {
  api: ApiHandlers
  desktop: DesktopHandlers
  /** Told after each successful call, e.g. to re-read settings after `settings.set`. */
  afterCall?: (channel: ApiChannel | DesktopChannel, response: unknown) => void
  /**
   * Runs just before each answer goes back: the events held back to pace the page go first, so the
   * page never gets a state older than what its call did after the call's answer.
   */
  beforeAnswer?: () => void
}

/** Runs one call from the window; never throws, whatever `channel` and `raw` are. */
export type BridgeDispatch = (channel: string, raw: unknown, fromTrustedFrame: boolean) => Promise<ApiResult<unknown>>

/**
 * What the IPC bridge does with a call, without Electron (so tests and the fuzz suite drive it):
 * refuse untrusted frames, validate the request with its channel's schema, run it, and answer an
 * `ApiResult` (an Error thrown through IPC would lose its code and its user/bug distinction).
 *
 * The window is a page, so it may not name files for the farm to write — except a path the person
 * has just picked in main's own save dialog: that one path, once, is exported through the local
 * door, and may replace a file because the dialog itself asked before replacing.
 */
export function createIpcDispatch(options: DispatchOptions): BridgeDispatch {
  const pickedForSaving = new Set<string>()

  async function run(channel: string, raw: unknown): Promise<unknown> {
    if (Object.hasOwn(desktopChannels, channel)) {
      const desktopChannel = channel as DesktopChannel
      const parsed = desktopChannels[desktopChannel].request.safeParse(raw)
      if (!parsed.success) throw new UserError(`The app sent a malformed ${channel} request.`, 'invalid-request')
      const handler = options.desktop[desktopChannel] as (request: typeof parsed.data) => Promise<unknown>
      const response = await handler(parsed.data)
      if ('mode' in parsed.data && parsed.data.mode === 'save') {
        for (const path of (response as DesktopResponse<'desktop.pickPaths'>).paths) pickedForSaving.add(path)
      }
      return response
    }
    if (!Object.hasOwn(apiChannels, channel)) throw new UserError(`Unknown request "${channel}".`, 'unknown-channel')
    const apiChannel = channel as ApiChannel
    if (apiChannel === 'jobs.export' || apiChannel === 'units.export') {
      const parsed = apiChannels[apiChannel].request.safeParse(raw)
      if (parsed.success && pickedForSaving.delete((parsed.data as { path: string }).path)) {
        return options.api.handle(apiChannel, { ...parsed.data, overwrite: true }, 'local')
      }
    }
    return options.api.handle(apiChannel, raw, 'page')
  }

  return async (channel, raw, fromTrustedFrame) => {
    try {
      if (!fromTrustedFrame)
        throw new UserError(
          `Refused ${String(channel)} from a frame that is not the app's own page.`,
          'untrusted-frame',
        )
      const value = await run(String(channel), raw)
      options.afterCall?.(channel as ApiChannel | DesktopChannel, value)
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) }
    } finally {
      options.beforeAnswer?.()
    }
  }
}
