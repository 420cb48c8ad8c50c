import { parseInterval } from '../../src/shared/schedules'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiChannels, type ApiChannel } from '../../src/shared/api'

/**
 * Fuzzed requests that the contract accepts really run, so before sending one the harness confines
 * what it would touch: paths into a temp sandbox, URLs (lists, sitemaps, crawls, previews) to a closed port on 127.0.0.1, probe jobs and
 * pool sizes small. Requests the contract refuses are sent as generated (they never run).
 */
export interface Sandbox {
  root: string
  /** The path the fake save dialog returns (IPC); exports to it take the local door. */
  pickedSavePath: string
  confine(channel: string, request: unknown): unknown
}

export function createSandbox(root: string, newestJobId: () => number): Sandbox {
  for (const folder of ['src/a', 'src2', 'dst', 'exports']) mkdirSync(join(root, folder), { recursive: true })
  writeFileSync(join(root, 'src/a/one.txt'), 'one')
  writeFileSync(join(root, 'src/two.txt'), 'two')
  writeFileSync(join(root, 'src2/three.txt'), 'three')
  writeFileSync(join(root, 'urls.txt'), 'http://127.0.0.1:1/a\nnot a url\n')
  const pickedSavePath = join(root, 'exports', 'picked.csv')
  let counter = 0

  // Autoscale bounds as small as sizes; memory limits a few bytes, so no job waits for memory for ever.
  const confineBounds = (bounds: Record<string, unknown> | null | undefined): void => {
    if (!bounds || typeof bounds !== 'object') return
    bounds.min = 1
    bounds.max = 1 + (Number(bounds.max) % 2)
  }
  function confineSpec(spec: Record<string, unknown>): void {
    if (spec.kind === 'copy') {
      const sources = spec.sources as unknown[]
      spec.sources = sources.map((_, i) => join(root, i % 3 === 2 ? `missing-${i}` : i % 2 ? 'src2' : 'src'))
      spec.destination = join(root, 'dst', String(counter++ % 20))
    } else if (spec.kind === 'urls') {
      const input = spec.input as Record<string, unknown>
      if (input.type === 'file') input.path = join(root, counter++ % 2 ? 'urls.txt' : 'no-such-list.txt')
      else if (input.type === 'sitemap')
        input.source = counter++ % 2 ? 'http://127.0.0.1:1/sitemap.xml' : join(root, 'no-sitemap.xml')
      // A crawl starts at a closed port (or a start URL that is refused), and stops after a few pages.
      else if (input.type === 'crawl') {
        input.url = counter++ % 2 ? 'http://127.0.0.1:1/' : 'not a url'
        input.maxPages = 3
      } else input.text = 'http://127.0.0.1:1/a\nhttp://127.0.0.1:1/b\n'
      spec.timeoutMs = 200
      spec.retries = 0
      spec.concurrency = 2
      spec.robots = false
      // A fuzzed rate of one request an hour would hold the run for hours.
      spec.ratePerSecond = null
    } else if (spec.kind === 'probe') {
      spec.count = Number(spec.count) % 6
      spec.chunk = 1 + (Number(spec.chunk ?? 1) % 3)
      spec.sleepMs = Number(spec.sleepMs ?? 0) % 5
      for (const key of ['crashOn', 'hangOn', 'throwOn']) spec[key] = []
      spec.hangOnCleanup = false
    }
  }

  return {
    root,
    pickedSavePath,
    confine(channel, request) {
      if (!Object.hasOwn(apiChannels, channel)) return request
      let copy: Record<string, unknown>
      try {
        copy = JSON.parse(JSON.stringify(request)) as Record<string, unknown>
      } catch {
        return request
      }
      const schema = apiChannels[channel as ApiChannel].request
      if (!schema.safeParse(request).success && !schema.safeParse(copy).success) return request
      // Mostly jobs that exist (or the next one), so pause, cancel, remove and export really act.
      if (typeof copy.jobId === 'number' && counter++ % 4 !== 0) copy.jobId = 1 + (copy.jobId % (newestJobId() + 1))
      if (channel === 'jobs.create' || channel === 'jobs.check' || channel === 'schedules.create')
        confineSpec(copy.spec as Record<string, unknown>)
      // Commands run when work ends are real shell lines: generated ones become a harmless one.
      const then = (copy.options as { then?: { run?: unknown } } | undefined)?.then
      if (then?.run !== undefined) then.run = 'true'
      const empty = copy.whenQueueEmpty as { run?: unknown } | undefined
      if (channel === 'settings.set' && empty?.run) empty.run = 'true'
      // A schedule that starts jobs every second would keep the farm from ever being at rest.
      const rule = copy.rule as { every?: string } | undefined
      if (channel === 'schedules.create' && rule?.every && parseInterval(rule.every) !== null) rule.every = '1d'
      if (channel === 'urls.preview') copy.url = 'http://127.0.0.1:1/'
      if (channel === 'pools.resize') copy.size = 1 + (Number(copy.size) % 2)
      const options = copy.options as Record<string, unknown> | undefined
      if (channel === 'jobs.create' && typeof options?.memfree === 'number') options.memfree %= 1024
      // Recycling after a task or two would make every case wait for new workers on a loaded machine.
      if (channel === 'pools.recycle') copy.tasks = Number(copy.tasks) % 2 ? 0 : 1000
      if (channel === 'settings.set' && copy.poolRecycle) {
        const recycle = copy.poolRecycle as Record<string, number>
        for (const name of Object.keys(recycle)) recycle[name] = recycle[name]! % 2 ? 0 : 1000
      }
      if (channel === 'pools.autoscale') confineBounds(copy.autoscale as Record<string, unknown> | null)
      if (channel === 'settings.set' && copy.poolAutoscale)
        Object.values(copy.poolAutoscale as Record<string, Record<string, unknown> | null>).forEach(confineBounds)
      if (channel === 'settings.set' && typeof copy.memfreeBytes === 'number') copy.memfreeBytes %= 1024
      if (channel === 'settings.set' && copy.poolSizes) {
        const sizes = copy.poolSizes as Record<string, number>
        for (const name of Object.keys(sizes)) sizes[name] = 1 + (sizes[name]! % 2)
      }
      if (channel === 'jobs.export' || channel === 'units.export')
        copy.path = counter++ % 2 ? pickedSavePath : join(root, 'exports', `typed.${String(copy.format)}`)
      return copy
    },
  }
}
