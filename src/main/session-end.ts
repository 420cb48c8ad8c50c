import { powerMonitor } from 'electron'

/**
 * The ways the OS ends the app without asking anyone: shutdown and logout (`powerMonitor`
 * `shutdown` on Linux and macOS, the window's `session-end` on Windows, wired in desktop-app.ts),
 * and the signals a session manager, `kill` or a closed terminal sends. Nobody will answer a quit
 * question then, so `end` pauses instead of asking. Returns the unsubscriber.
 */
export function onSessionEnd(end: (reason: string) => Promise<void>): () => void {
  // preventDefault delays the OS's shutdown (a logind delay lock on Linux) until the app quits.
  const shutdown = (event?: { preventDefault(): void }): void => {
    event?.preventDefault()
    void end('the system is shutting down')
  }
  const signalled = (signal: NodeJS.Signals): void => void end(`${signal} received`)
  powerMonitor.on('shutdown', shutdown)
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, signalled)
  return () => {
    powerMonitor.off('shutdown', shutdown)
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.off(signal, signalled)
  }
}
