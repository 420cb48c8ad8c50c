import * as z from 'zod'
import { wireFromHostSchema } from './web-wire'

/**
 * How clients (the CLI, a second `serve`, the desktop app) speak the contract to the farm that owns
 * a history, over its local control endpoint: one JSON message per line, both ways. Calls and
 * answers are the WebSocket's (`WireCall` up, `WireFromHost` down); the owner adds one message of
 * its own, `refused`, sent just before it closes a connection that sent something it cannot read.
 */
export const controlMaxFrameBytes = 16 * 1024 * 1024

export const controlRefusedSchema = z.object({ type: z.literal('refused'), message: z.string() })
export type ControlRefused = z.infer<typeof controlRefusedSchema>

export const controlFromOwnerSchema = z.union([...wireFromHostSchema.options, controlRefusedSchema])
export type ControlFromOwner = z.infer<typeof controlFromOwnerSchema>
