import { fork } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { workerEntry } from '../support/test-farm'

describe("a worker and the console's Ctrl-C", () => {
  // POSIX only: Node cannot send a Ctrl-C on Windows (kill('SIGINT') terminates); the worker's handler is the same code there.
  it.skipIf(process.platform === 'win32')(
    "leaves stopping to the farm: a SIGINT does not end it, the farm's shutdown does",
    async () => {
      const worker = fork(workerEntry, [], { stdio: 'ignore', windowsHide: true })
      try {
        await new Promise<void>((resolve, reject) => {
          const guard = setTimeout(() => reject(new Error('the worker never said ready')), 20_000)
          worker.on('message', (m: { type?: string }) => m.type === 'ready' && (clearTimeout(guard), resolve()))
        })
        const exited = new Promise<[number | null, string | null]>((resolve) =>
          worker.once('exit', (code, signal) => resolve([code, signal])),
        )
        worker.kill('SIGINT')
        worker.send({ type: 'shutdown' })
        expect(await exited).toEqual([0, null])
      } finally {
        if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL')
      }
    },
  )
})
