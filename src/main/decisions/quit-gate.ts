/**
 * One quit question at a time. A second Quit while it is open waits for the same answer (it
 * does not ask twice) but brings the question forward, so the person sees what Quit waits on.
 * A question that failed is forgotten: the next Quit asks again, and no rejection goes unheard.
 */
export class QuitGate {
  private pending: Promise<void> | null = null

  constructor(
    private readonly options: {
      ask: () => Promise<void>
      bringForward: () => void
      failed: (error: unknown) => void
    },
  ) {}

  get asking(): boolean {
    return this.pending !== null
  }

  request(): Promise<void> {
    if (this.pending) {
      this.options.bringForward()
      return this.pending
    }
    const pending = this.options
      .ask()
      .catch((error: unknown) => this.options.failed(error))
      .finally(() => {
        if (this.pending === pending) this.pending = null
      })
    this.pending = pending
    return pending
  }
}
