import type { ProbePayload, ProbeSpec } from '../../shared/kinds/probe'
import type { KindHandler } from '../kind-handler'

/** The diagnostic kind: see `src/shared/kinds/probe.ts`. */
export const probeHandler: KindHandler<ProbeSpec> = {
  async plan(spec, ctx) {
    for (let n = 0; n < spec.count; n++) {
      if (ctx.signal.aborted) return
      ctx.emit({ key: `#${n}`, payload: { n } satisfies ProbePayload, size: 0 })
    }
    return { notes: [`${spec.count} probe items`], facts: { count: spec.count } }
  },

  async run(spec, items, ctx) {
    for (const item of items) {
      if (ctx.signal.aborted) return
      const { n } = item.payload as ProbePayload
      if (spec.hangOn.includes(n)) {
        ctx.progress(item.id, 0)
        for (;;) {
          // A genuine hang: the event loop is blocked, so only a kill can end it.
        }
      }
      if (spec.crashOn.includes(n)) process.exit(70)
      if (spec.printOn.includes(n)) console.log(`probe item ${n} says hello`)
      if (spec.sleepMs > 0) {
        ctx.progress(item.id, 0)
        await sleep(spec.sleepMs, ctx.signal)
        if (ctx.signal.aborted) return
      }
      if (spec.failOn.includes(n)) ctx.failed(item.id, `probe item ${n} was told to fail`, { code: 'probe-fail' })
      else ctx.done(item.id, { square: n * n, pid: process.pid })
    }
  },
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
