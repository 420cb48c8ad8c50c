import { powerSaveBlocker } from 'electron'

/**
 * Keeps the machine from sleeping while jobs run, as copiers and download managers do (a sleeping
 * machine stops a long copy; a hidden app on macOS would get App Nap), and lets it sleep again once
 * the farm is idle. The display may still sleep: only the app's work must go on.
 */
export function createKeepAwake(): { set(busy: boolean): void } {
  let blocker: number | null = null
  return {
    set(busy) {
      if (busy && blocker === null) blocker = powerSaveBlocker.start('prevent-app-suspension')
      else if (!busy && blocker !== null) {
        powerSaveBlocker.stop(blocker)
        blocker = null
      }
    },
  }
}
