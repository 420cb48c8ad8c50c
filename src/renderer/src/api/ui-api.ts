import type { FarmApi } from '../../../shared/api'

/**
 * The contract's API plus what only some transports can do. In Electron the preload gives
 * `getPathForFile`; in a browser the WebSocket client gives `exportUrl` and connection changes.
 */
export interface UiApi extends FarmApi {
  /** A download address for a job's results, where the host can stream one. */
  exportUrl?(jobId: number, format: 'csv' | 'json'): string
  /** A download of the units a filter text finds (the Units view's "Export these"). */
  unitsExportUrl?(where: string, format: 'csv' | 'json'): string
  /** The path of a dropped file, where the shell can tell (Electron). */
  getPathForFile?(file: File): string
  /**
   * Called with false when the link to the farm drops and true when it is back; while down, `refused`
   * says the farm answers but refuses this page's token (it restarted with a new one).
   */
  onConnectionChange?(listener: (connected: boolean, refused?: boolean) => void): () => void
}

let current: UiApi | null = null

/** Set once at start-up (or by a test) before any store acts. */
export function setFarmApi(api: UiApi): void {
  current = api
}

export function farmApi(): UiApi {
  if (!current) throw new Error('The farm API was used before it was set.')
  return current
}
