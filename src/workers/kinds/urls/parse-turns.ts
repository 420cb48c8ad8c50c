/**
 * Turns for parsing pages: one piece of a page is parsed per turn of the event loop, so the
 * worker's network work never waits behind a queue of pages. Parsed where they arrived, the 30-60
 * pages a busy worker receives at once held its event loop for tens of milliseconds: a page's
 * headers, the farm's next URLs and the reports of finished ones all waited there, the requests in
 * flight fell to ~50 of 64, and the time to first byte a row reports included that wait (85 ms for
 * a server answering in 50). Between two turns the event loop polls its sockets and pipes.
 */
const waiting: (() => void)[] = []
let turning = false

/** Resolves when it is this caller's turn: in order, at most one per turn of the event loop. */
export function parseTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve)
    if (!turning) {
      turning = true
      setImmediate(nextTurn)
    }
  })
}

function nextTurn(): void {
  const resolve = waiting.shift()
  if (!resolve) {
    turning = false
    return
  }
  // The caller's parse runs in the microtasks after this callback; the next turn comes only after
  // the event loop has polled again (an immediate queued here waits for the next loop).
  resolve()
  setImmediate(nextTurn)
}
