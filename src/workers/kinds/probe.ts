import type { ProbePayload, ProbeResult, ProbeSpec } from '../../shared/kinds/probe'
import { sleep } from '../abortable-sleep'
import type { KindHandler } from '../kind-handler'

/** The diagnostic kind: see `src/shared/kinds/probe.ts`. */
export const probeHandler: KindHandler<ProbeSpec> = {
  async plan(spec, ctx) {
    const items = Math.ceil(spec.count / spec.chunk)
    for (let n = 0; n < items; n++) {
      if (ctx.signal.aborted) return
      const first = n * spec.chunk
      const payload: ProbePayload = { n, first, count: Math.min(spec.chunk, spec.count - first) }
      ctx.emit({ key: `#${n}`, payload, size: 0 })
    }
    const chunked = spec.chunk > 1 ? ` in ${items} chunks of ${spec.chunk}` : ''
    return { notes: [`${spec.count} probe numbers${chunked}`], facts: { count: spec.count, items } }
  },

  async run(spec, items, ctx) {
    for (const item of items) {
      if (ctx.signal.aborted) return
      const { n, first, count } = item.payload as ProbePayload
      if (spec.hangOn.includes(n)) {
        ctx.progress(item.id, 0)
        for (;;) {
          // A genuine hang: the event loop is blocked, so only a kill can end it.
        }
      }
      if (spec.crashOn.includes(n)) process.exit(70)
      if (spec.throwOn.includes(n)) throw new Error(`probe item ${n} threw`)
      if (spec.printOn.includes(n)) console.log(`probe item ${n} says hello`)
      if (spec.sleepMs > 0) {
        ctx.progress(item.id, 0)
        await sleep(spec.sleepMs, ctx.signal)
        if (ctx.signal.aborted) return
      }
      if (spec.failOn.includes(n)) ctx.failed(item.id, `probe item ${n} was told to fail`, { code: 'probe-fail' })
      else ctx.done(item.id, squares(first, count))
    }
  },

  async cleanup(spec, ctx) {
    if (ctx.reason !== 'cancel' || !spec.hangOnCleanup) return
    for (;;) {
      // A genuine hang, as `hangOn`: only a kill can end it.
    }
  },
}

function squares(first: number, count: number): ProbeResult {
  if (count === 1) return { square: first * first, pid: process.pid }
  const all = new Array<number>(count)
  for (let i = 0; i < count; i++) all[i] = (first + i) * (first + i)
  return { square: first * first, squares: all, pid: process.pid }
}
