import { dialog } from 'electron'
import { startFailureMessage } from './decisions/start-failure'

/** A farm that cannot open (another one holds the history, a broken file, an old system) is said plainly, once. */
export function reportStartFailure(error: unknown): void {
  console.error('Task Farm cannot start:', error)
  dialog.showErrorBox('Task Farm cannot start', startFailureMessage(error))
}
