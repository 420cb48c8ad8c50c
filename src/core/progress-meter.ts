/**
 * Moving averages of items/s and bytes/s, and the ETA they imply. Until the pace is known (a few
 * seconds with progress) nothing is said: an early burst of quick units, or big files that come
 * last, would give a wild figure. Over the first time constant the rate is the average since the
 * start (steady, not one batch's burst); after it, an exponential average that follows real changes.
 */
const TIME_CONSTANT_MS = 5000
/** Watched this long, with units settled, before a rate or an ETA is shown. */
const KNOWN_AFTER_MS = 3000

interface Mark {
  at: number
  items: number
  bytes: number
}

export class ProgressMeter {
  private items = 0
  private bytes = 0
  private start: Mark | null = null
  private last: Mark | null = null

  /** Whether the pace is known: watched long enough, with at least one unit settled meanwhile. */
  get known(): boolean {
    const { start, last } = this
    return !!start && !!last && last.at - start.at >= KNOWN_AFTER_MS && last.items > start.items
  }
  /** Items per second; 0 while the pace is not known ("estimating…"). */
  get itemRate(): number {
    return this.known ? this.items : 0
  }
  get byteRate(): number {
    return this.known ? this.bytes : 0
  }

  sample(at: number, items: number, bytes: number): void {
    if (!this.start || !this.last) {
      this.start = this.last = { at, items, bytes }
      return
    }
    const dt = at - this.last.at
    if (dt < 50) return
    const span = at - this.start.at
    if (span <= TIME_CONSTANT_MS) {
      this.items = ((items - this.start.items) * 1000) / span
      this.bytes = ((bytes - this.start.bytes) * 1000) / span
    } else {
      const weight = 1 - Math.exp(-dt / TIME_CONSTANT_MS)
      this.items += weight * (((items - this.last.items) * 1000) / dt - this.items)
      this.bytes += weight * (((bytes - this.last.bytes) * 1000) / dt - this.bytes)
    }
    this.last = { at, items, bytes }
  }

  reset(): void {
    this.items = 0
    this.bytes = 0
    this.start = null
    this.last = null
  }

  /**
   * Milliseconds left; null while the pace is not known. With both units and bytes counted, the
   * two estimates are blended: small files cost per unit, big ones per byte, and which dominates
   * changes as a copy goes (by bytes alone, a copy of small files first looked like days).
   */
  eta(itemsLeft: number, bytesLeft: number, bytesTotal: number): number | null {
    if (itemsLeft <= 0) return 0
    if (!this.known) return null
    const byItems = this.items > 0 ? (itemsLeft / this.items) * 1000 : null
    const byBytes = bytesTotal > 0 && this.bytes > 0 ? (Math.max(0, bytesLeft) / this.bytes) * 1000 : null
    if (byItems !== null && byBytes !== null) return (byItems + byBytes) / 2
    return byItems ?? byBytes
  }
}
