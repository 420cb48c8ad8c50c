/**
 * Moving averages of items/s and bytes/s, and the ETA they imply. An exponential average with a
 * time constant of a few seconds follows real changes without jumping at every batch.
 */
const TIME_CONSTANT_MS = 5000

export class ProgressMeter {
  itemRate = 0
  byteRate = 0
  private last: { at: number; items: number; bytes: number } | null = null

  sample(at: number, items: number, bytes: number): void {
    if (!this.last) {
      this.last = { at, items, bytes }
      return
    }
    const dt = at - this.last.at
    if (dt < 50) return
    const weight = 1 - Math.exp(-dt / TIME_CONSTANT_MS)
    const itemNow = ((items - this.last.items) * 1000) / dt
    const byteNow = ((bytes - this.last.bytes) * 1000) / dt
    // The first real sample sets the rate outright, so the ETA is meaningful from the start.
    const first = this.itemRate === 0 && this.byteRate === 0
    this.itemRate = first ? itemNow : this.itemRate + weight * (itemNow - this.itemRate)
    this.byteRate = first ? byteNow : this.byteRate + weight * (byteNow - this.byteRate)
    this.last = { at, items, bytes }
  }

  reset(): void {
    this.itemRate = 0
    this.byteRate = 0
    this.last = null
  }

  /** Milliseconds left, by bytes when the job counts bytes, else by items; null when unknown. */
  eta(itemsLeft: number, bytesLeft: number, bytesTotal: number): number | null {
    if (itemsLeft <= 0) return 0
    if (bytesTotal > 0 && this.byteRate > 0) return (bytesLeft / this.byteRate) * 1000
    if (this.itemRate > 0) return (itemsLeft / this.itemRate) * 1000
    return null
  }
}
