import type { z } from 'zod'
import { apiChannels, localOnlyChannels, type ApiChannel, type ApiResponse } from '../shared/api'
import type { PoolInfo, Settings } from '../shared/api-types'
import { poolNames, type PoolName } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import type { Farm } from './farm'
import { diffJobs } from './job-diff'
import { listFolder } from './list-folder'
import { JobStatsQueries } from './store/job-stats'
import { UnitSearch } from './store/unit-search'
import { exportUnits, keysOf, retrySpecFor } from './unit-actions'
import { verifySpecFor } from './verify-job'

/** A request as handlers see it: parsed by the contract's schema, defaults applied. */
type ParsedRequest<C extends ApiChannel> = z.output<(typeof apiChannels)[C]['request']>
type Handlers = { [C in ApiChannel]: (request: ParsedRequest<C>) => Promise<ApiResponse<C>> | ApiResponse<C> }

/**
 * Which door a call came through. `page`: the window (IPC) and web clients (WebSocket), which may
 * not name files for the farm to write. `local`: callers whose user typed or picked every path they
 * name — the CLI, the local control endpoint, main after its save dialog, a host's own temp files.
 */
export type ApiDoor = 'page' | 'local'

/** The farm's server side of the contract, typed by it once for every transport. */
export interface ApiHandlers {
  /** Validates `raw` with the channel's schema and runs it; user mistakes reject with a `UserError`. */
  handle<C extends ApiChannel>(channel: C, raw: unknown, door?: ApiDoor): Promise<ApiResponse<C>>
}

export interface ApiHandlerOptions {
  /** Adds what only the host can measure to each pool (Electron's process metrics). */
  decoratePool?: (pool: PoolInfo) => PoolInfo
}

const ok = { ok: true as const }

export const defaultSettings = (farm: Pick<Farm, 'pools' | 'poolInfo' | 'memfreeBytes'>): Settings => {
  const pools = farm.poolInfo()
  return {
    poolSizes: Object.fromEntries(poolNames.map((name) => [name, farm.pools[name].size])) as Record<PoolName, number>,
    notifications: true,
    closeToTray: false,
    theme: 'system',
    redisUrl: '',
    whenQueueEmpty: { notify: false, run: '' },
    poolAutoscale: Object.fromEntries(pools.map((p) => [p.name, p.autoscale ?? null])),
    poolRecycle: Object.fromEntries(pools.map((p) => [p.name, p.maxTasksPerWorker])),
    memfreeBytes: farm.memfreeBytes,
  }
}

/** What the farm does now wins over what was stored: the farm's own settings of how it adapts. */
const liveFarming = (farm: Pick<Farm, 'pools' | 'poolInfo' | 'memfreeBytes'>): Partial<Settings> => {
  const { poolAutoscale, poolRecycle, memfreeBytes } = defaultSettings(farm)
  return { poolAutoscale, poolRecycle, memfreeBytes }
}

/** A Settings change of how the farm adapts, applied to the running farm. */
function applyFarming(farm: Farm, patch: Partial<Settings>): void {
  for (const name of poolNames) {
    const bounds = patch.poolAutoscale?.[name]
    if (bounds !== undefined) farm.autoscalePool(name, bounds)
    const tasks = patch.poolRecycle?.[name]
    if (tasks !== undefined) farm.recyclePool(name, tasks)
  }
  if (patch.memfreeBytes !== undefined) farm.memfreeBytes = patch.memfreeBytes
}

/**
 * Every contract channel mapped onto the farm. Hosts (Electron IPC, the WebSocket host, the CLI's
 * control endpoint) call `handle(channel, raw, door)`: the request is validated with the contract's
 * schema here, once for all, after the door is checked.
 */
export function createApiHandlers(farm: Farm, options: ApiHandlerOptions = {}): ApiHandlers {
  const settings = (): Settings => ({
    ...defaultSettings(farm),
    ...(farm.store.setting('settings') as Partial<Settings> | undefined),
    ...liveFarming(farm),
  })
  // Prepared on the first chart's call, not for every client of the contract.
  let stats: JobStatsQueries | undefined
  const statsQueries = (): JobStatsQueries => (stats ??= new JobStatsQueries(farm.store.db))
  let search: UnitSearch | undefined
  const unitSearch = (): UnitSearch => (search ??= new UnitSearch(farm.store.db))
  const handlers: Handlers = {
    'jobs.create': async ({ spec, options }) => ({ jobId: await farm.create(spec, options ?? {}) }),
    'jobs.check': async ({ spec }) => ({ problems: await farm.check(spec) }),
    // An HTML parser and a CSV writer are loaded when first asked for, not by every farm that starts.
    'urls.preview': async ({ url, extract, userAgent }) =>
      (await import('./kinds/url-preview')).previewExtraction(url, extract, userAgent),
    'jobs.list': (q) => farm.list(q),
    'jobs.get': ({ jobId }) => farm.detail(jobId),
    'jobs.items': ({ jobId, ...q }) => (farm.summary(jobId), farm.store.items(jobId, q)),
    'jobs.logs': (q) => ({ logs: farm.store.logs(q) }),
    'jobs.pause': ({ jobId }) => (farm.pause(jobId), ok),
    'jobs.resume': ({ jobId }) => (farm.resume(jobId), ok),
    'jobs.cancel': ({ jobId }) => (farm.cancel(jobId), ok),
    // Answered once taken, as a cancel is: a client's second Ctrl-C waits for this answer before it exits.
    'jobs.interrupt': ({ jobId }) => (farm.askInterrupt(jobId), ok),
    'jobs.priority': ({ jobId, priority }) => (farm.setPriority(jobId, priority), ok),
    'jobs.retry': ({ jobId }) => (farm.retry(jobId), ok),
    'jobs.follow': ({ jobId, after }) => (farm.follow(jobId, after), ok),
    'jobs.remove': ({ jobId }) => (farm.remove(jobId), ok),
    'jobs.rerun': async ({ jobId }) => ({ jobId: await farm.rerun(jobId) }),
    'jobs.export': async ({ jobId, format, path, overwrite }) =>
      (await import('./export-job')).exportJob(farm.store, jobId, format, path, { overwrite }),
    'jobs.diff': ({ a, b, limit }) => diffJobs(farm.store.db, a, b, limit),
    'jobs.verify': async ({ jobId }) => ({ jobId: await farm.create(verifySpecFor(farm.store.db, jobId), {}) }),
    'stats.job': ({ jobId }) => (farm.summary(jobId), statsQueries().job(jobId)!),
    'stats.history': ({ days }) => statsQueries().history(days),
    'units.search': (q) => unitSearch().page(q),
    'units.retry': async ({ filter, settings }) => {
      const retry = retrySpecFor(farm.store, filter, settings)
      const jobId = await farm.create(retry.spec)
      farm.log(jobId, 'info', 'core', `retries ${retry.units} units found in jobs ${retry.sourceJobs.join(', ')}`)
      return { jobId, units: retry.units, sourceJobs: retry.sourceJobs }
    },
    'units.keys': ({ filter }) => ({ keys: keysOf(farm.store, filter) }),
    'units.export': ({ filter, format, path, overwrite }) =>
      exportUnits(farm.store, filter, format, path, { overwrite }),
    'pools.list': () => (options.decoratePool ? farm.poolInfo().map(options.decoratePool) : farm.poolInfo()),
    'pools.resize': ({ pool, size }) => (farm.resizePool(pool, size), saveSizes(), ok),
    'pools.autoscale': ({ pool, autoscale }) => (farm.autoscalePool(pool, autoscale), saveSettings(), ok),
    'pools.recycle': ({ pool, tasks }) => (farm.recyclePool(pool, tasks), saveSettings(), ok),
    'pools.pause': ({ pool }) => (farm.pausePool(pool), ok),
    'pools.resume': ({ pool }) => (farm.resumePool(pool), ok),
    'pools.close': ({ pool }) => (farm.closePool(pool), ok),
    'pools.terminate': ({ pool }) => (farm.terminatePool(pool), ok),
    'pools.remoteHost': async ({ hostId, action }) => (await farm.remote.control(hostId, action), ok),
    'settings.get': () => ({ ...settings(), platform: process.platform }),
    'settings.set': async (patch) => {
      const next = { ...settings(), ...patch }
      if (patch.redisUrl !== undefined && patch.redisUrl !== settings().redisUrl)
        await farm.remote.setUrl(patch.redisUrl.trim())
      for (const name of poolNames)
        if (next.poolSizes[name] !== farm.pools[name].size) farm.resizePool(name, next.poolSizes[name])
      applyFarming(farm, patch)
      farm.store.setSetting('settings', { ...next, ...liveFarming(farm) })
      saveSizes()
      return { ...next, platform: process.platform }
    },
    'schedules.create': ({ spec, options, rule }) => farm.schedules.create(spec, options ?? {}, rule),
    'schedules.list': () => ({ schedules: farm.schedules.list() }),
    'schedules.pause': ({ scheduleId }) => (farm.schedules.setPaused(scheduleId, true), ok),
    'schedules.resume': ({ scheduleId }) => (farm.schedules.setPaused(scheduleId, false), ok),
    'schedules.remove': ({ scheduleId }) => (farm.schedules.remove(scheduleId), ok),
    'fs.list': ({ path }) => listFolder(path),
  }

  function saveSettings(): void {
    farm.store.setSetting('settings', settings())
  }

  function saveSizes(): void {
    farm.store.setSetting('poolSizes', defaultSettings(farm).poolSizes)
  }

  const run = <C extends ApiChannel>(channel: C, request: ParsedRequest<C>): Promise<ApiResponse<C>> | ApiResponse<C> =>
    (handlers[channel] as (request: ParsedRequest<C>) => Promise<ApiResponse<C>> | ApiResponse<C>)(request)

  return {
    async handle(channel, raw, door = 'page') {
      // Channel names come off the wire: only the contract's own keys, never Object.prototype's.
      if (!Object.hasOwn(apiChannels, channel))
        throw new UserError(`Unknown request "${String(channel)}".`, 'unknown-channel')
      if (door === 'page' && localOnlyChannels.has(channel)) {
        throw new UserError(
          'The window cannot choose where the farm writes files: export through the Export buttons (a download or the save dialog).',
          'local-only',
        )
      }
      const parsed = apiChannels[channel].request.safeParse(raw ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        throw new UserError(
          `${issue.message}${issue.path.length ? ` (${issue.path.join('.')})` : ''}`,
          'invalid-request',
        )
      }
      return run(channel, parsed.data as ParsedRequest<typeof channel>)
    },
  }
}
