import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { z } from 'zod'
import { apiChannels, type ApiChannel, type ApiEvent, type ApiResult } from '../shared/api'
import { ipcChannelFor, ipcEventFor } from '../shared/bridge'
import {
  desktopChannels,
  type DesktopChannel,
  type DesktopEvent,
  type DesktopRequest,
  type DesktopResponse,
} from '../shared/desktop-api'
import { toErrorInfo, UserError } from '../shared/user-error'

/** `createApiHandlers(farm)`: runs one contract call. */
export interface ApiHandlers {
  handle(channel: ApiChannel, rawRequest: unknown): Promise<unknown>
}

export type DesktopHandlers = {
  [C in DesktopChannel]: (request: z.output<(typeof desktopChannels)[C]['request']>) => Promise<DesktopResponse<C>>
}

export interface BridgeOptions {
  api: ApiHandlers
  desktop: DesktopHandlers
  /** Only the app's own page in the main window may call; frames, other windows and pages never. */
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean
  /** Told after each successful call, e.g. to re-read settings after `settings.set`. */
  afterCall?: (channel: ApiChannel | DesktopChannel, response: unknown) => void
}

/**
 * One `ipcMain.handle` per channel of the contracts, each checking the sender frame and
 * validating the request with the channel's schema before the farm sees it. Answers are
 * `ApiResult`s: an Error thrown through IPC would lose its code and its user/bug distinction.
 */
export function registerIpcBridge(options: BridgeOptions): () => void {
  const registered: string[] = []
  const register = (
    channel: ApiChannel | DesktopChannel,
    schema: z.ZodType,
    run: (request: unknown) => Promise<unknown>,
  ): void => {
    const name = ipcChannelFor(channel)
    registered.push(name)
    ipcMain.handle(name, async (event, raw: unknown): Promise<ApiResult<unknown>> => {
      try {
        if (!options.isTrustedSender(event)) throw new Error(`refused ${channel} from an untrusted frame`)
        const parsed = schema.safeParse(raw)
        if (!parsed.success) throw new UserError(`The app sent a malformed ${channel} request.`, 'invalid-request')
        const value = await run(parsed.data)
        options.afterCall?.(channel, value)
        return { ok: true, value }
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) }
      }
    })
  }
  for (const channel of Object.keys(apiChannels) as ApiChannel[]) {
    register(channel, apiChannels[channel].request, (request) => options.api.handle(channel, request))
  }
  for (const channel of Object.keys(desktopChannels) as DesktopChannel[]) {
    const handler = options.desktop[channel] as (request: DesktopRequest<DesktopChannel>) => Promise<unknown>
    register(channel, desktopChannels[channel].request, (request) => handler(request as DesktopRequest<DesktopChannel>))
  }
  return () => {
    for (const name of registered) ipcMain.removeHandler(name)
  }
}

/** Sends an event to the page, if it is still there to hear it. */
export function sendToPage(contents: WebContents | null, event: ApiEvent | DesktopEvent, payload: unknown): void {
  if (contents && !contents.isDestroyed()) contents.send(ipcEventFor(event), payload)
}
