import { describe, expect, it, vi } from 'vitest'
import { QuitGate } from '../../../src/main/decisions/quit-gate'

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('QuitGate', () => {
  it('asks once while the question is open, and brings it forward on every further Quit', async () => {
    const answer = deferred()
    const ask = vi.fn(() => answer.promise)
    const bringForward = vi.fn()
    const gate = new QuitGate({ ask, bringForward, failed: vi.fn() })
    const first = gate.request()
    const second = gate.request()
    void gate.request() // the third request only joins the pending question
    expect(ask).toHaveBeenCalledTimes(1)
    expect(bringForward).toHaveBeenCalledTimes(2)
    answer.resolve()
    await Promise.all([first, second])
    expect(gate.asking).toBe(false)
  })

  it('asks again after an answer, and after a question that failed (reporting the failure)', async () => {
    const failure = deferred()
    const ask = vi.fn().mockReturnValueOnce(failure.promise).mockResolvedValue(undefined)
    const failed = vi.fn()
    const gate = new QuitGate({ ask, bringForward: vi.fn(), failed })
    const first = gate.request()
    failure.reject(new Error('history closed'))
    await expect(first).resolves.toBeUndefined()
    expect(failed).toHaveBeenCalledWith(new Error('history closed'))
    await gate.request()
    expect(ask).toHaveBeenCalledTimes(2)
  })
})
