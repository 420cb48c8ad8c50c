import * as z from 'zod'
import { apiChannelNames, apiEventNames, type ApiChannel, type ApiEvent } from './api'

/**
 * How the browser host and its page speak the contract over one WebSocket. A call goes up as
 * `{ id, channel, request }` and comes back as `{ type: 'result', id, ok, value | error }`; farm
 * events come down as `{ type: 'event', event, payload }`. Both ends validate what they receive.
 */
export const wireCallSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.enum(apiChannelNames as [ApiChannel, ...ApiChannel[]]),
  // JSON drops an undefined request; the handlers read a missing one as {}.
  request: z.unknown().optional(),
})
export type WireCall = z.infer<typeof wireCallSchema>

const wireErrorSchema = z.object({ message: z.string(), code: z.string().optional(), user: z.boolean() })

export const wireFromHostSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: wireErrorSchema }),
  z.object({
    type: z.literal('event'),
    event: z.enum(apiEventNames as [ApiEvent, ...ApiEvent[]]),
    payload: z.unknown(),
  }),
])
export type WireFromHost = z.infer<typeof wireFromHostSchema>

/** The query parameter (page and WebSocket) and cookie (assets) that carry the host's token. */
export const wireTokenParam = 'token'
export const wireTokenCookie = 'task_farm_token'
/** Path of the WebSocket endpoint and of the export download endpoint on the host. */
export const wireSocketPath = '/api'
export const wireExportPath = '/export'
