import * as z from 'zod'

/**
 * What only the desktop app can do beside the farm contract (native dialogs, the OS shell), and
 * what main tells the window on its own (paths from a second launch, a clicked notification).
 * The preload routes these through the same `call`/`on` as the contract, so `window.taskFarm`
 * stays `{ call, on, getPathForFile }`; a browser host simply has none of them.
 */
/** Where the app's updates stand (src/main/decisions/update-flow.ts); `message` is one sentence. */
const updateStatus = z.object({
  state: z.enum(['off', 'checking', 'latest', 'available', 'declined', 'downloading', 'ready', 'failed']),
  message: z.string(),
})

export const desktopChannels = {
  /** A native open/save dialog; an empty list when the person cancelled. */
  'desktop.pickPaths': {
    request: z.object({
      mode: z.enum(['folder', 'files', 'save']),
      title: z.string().max(200).optional(),
      defaultPath: z.string().optional(),
      filters: z.array(z.object({ name: z.string(), extensions: z.array(z.string()) })).optional(),
    }),
    response: z.object({ paths: z.array(z.string()) }),
  },
  /** Opens an http(s) link in the person's browser; anything else is refused. */
  'desktop.openExternal': { request: z.object({ url: z.string() }), response: z.object({ ok: z.literal(true) }) },
  /** Shows a file or folder in the OS file manager. */
  'desktop.showItem': { request: z.object({ path: z.string().min(1) }), response: z.object({ ok: z.literal(true) }) },
  /** What this desktop offers: a tray to close to (not on stock GNOME), and updates (or why they are off). */
  'desktop.shellInfo': { request: z.object({}), response: z.object({ tray: z.boolean(), updates: updateStatus }) },
  /** Looks for a newer release; main asks the person before anything is downloaded. */
  'desktop.checkForUpdates': { request: z.object({}), response: updateStatus },
} as const

export const desktopEvents = {
  /** Paths given to a second launch of the app (dropped on its icon, or on the command line). */
  'desktop.openPaths': z.object({ paths: z.array(z.string()) }),
  /** The person clicked a notification or tray entry about this job. */
  'desktop.showJob': z.object({ jobId: z.number().int().positive() }),
  /** A job notification the OS would not show (unsigned app, no notification service): the window shows it. */
  'desktop.notice': z.object({ title: z.string(), body: z.string(), jobId: z.number().int().positive().nullable() }),
} as const

export type DesktopChannel = keyof typeof desktopChannels
export type DesktopEvent = keyof typeof desktopEvents
export type DesktopRequest<C extends DesktopChannel> = z.input<(typeof desktopChannels)[C]['request']>
export type DesktopResponse<C extends DesktopChannel> = z.output<(typeof desktopChannels)[C]['response']>
export type DesktopEventPayload<E extends DesktopEvent> = z.output<(typeof desktopEvents)[E]>

export const desktopChannelNames = Object.keys(desktopChannels) as DesktopChannel[]
export const desktopEventNames = Object.keys(desktopEvents) as DesktopEvent[]
