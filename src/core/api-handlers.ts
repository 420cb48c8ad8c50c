import { readdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { apiChannels, type ApiChannel, type ApiRequest, type ApiResponse } from '../shared/api'
import type { Settings } from '../shared/api-types'
import { poolNames, type PoolName } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { exportJob } from './export-job'
import type { Farm } from './farm'
import { JobStatsQueries } from './store/job-stats'

type Handlers = { [C in ApiChannel]: (request: ApiRequest<C> & ApiResponseInput<C>) => Promise<ApiResponse<C>> | ApiResponse<C> }
// Requests arrive parsed (defaults applied), so handlers see the schema's output type.
type ApiResponseInput<C extends ApiChannel> = import('zod').output<(typeof apiChannels)[C]['request']>

const ok = { ok: true as const }

export const defaultSettings = (farm: Pick<Farm, 'pools'>): Settings => ({
  poolSizes: Object.fromEntries(poolNames.map((name) => [name, farm.pools.get(name)!.size])) as Record<PoolName, number>,
  notifications: true,
  closeToTray: false,
  theme: 'system',
})

/**
 * Every contract channel mapped onto the farm. Hosts (Electron IPC, the WebSocket host) call
 * `handle(channel, raw)`: the request is validated with the contract's schema here, once for all.
 */
export function createApiHandlers(farm: Farm): { handle(channel: ApiChannel, raw: unknown): Promise<unknown> } {
  const settings = (): Settings => ({ ...defaultSettings(farm), ...(farm.store.setting('settings') as Partial<Settings> | undefined) })
  const stats = new JobStatsQueries(farm.store.db)
  const handlers: Handlers = {
    'jobs.create': async ({ spec, options }) => ({ jobId: await farm.create(spec, options ?? {}) }),
    'jobs.check': async ({ spec }) => ({ problems: await farm.check(spec) }),
    'jobs.list': (q) => farm.list(q),
    'jobs.get': ({ jobId }) => farm.detail(jobId),
    'jobs.items': ({ jobId, ...q }) => (farm.summary(jobId), farm.store.items(jobId, q)),
    'jobs.logs': (q) => ({ logs: farm.store.logs(q) }),
    'jobs.pause': ({ jobId }) => (farm.pause(jobId), ok),
    'jobs.resume': ({ jobId }) => (farm.resume(jobId), ok),
    'jobs.cancel': ({ jobId }) => (farm.cancel(jobId), ok),
    'jobs.retry': ({ jobId }) => (farm.retry(jobId), ok),
    'jobs.remove': ({ jobId }) => (farm.remove(jobId), ok),
    'jobs.rerun': async ({ jobId }) => ({ jobId: await farm.rerun(jobId) }),
    'jobs.export': ({ jobId, format, path }) => exportJob(farm.store, jobId, format, path),
    'stats.job': ({ jobId }) => (farm.summary(jobId), stats.job(jobId)!),
    'stats.history': ({ days }) => stats.history(days),
    'pools.list': () => farm.poolInfo(),
    'pools.resize': ({ pool, size }) => (farm.resizePool(pool, size), saveSizes(), ok),
    'pools.pause': ({ pool }) => (farm.pausePool(pool), ok),
    'pools.resume': ({ pool }) => (farm.resumePool(pool), ok),
    'pools.close': ({ pool }) => (farm.closePool(pool), ok),
    'pools.terminate': ({ pool }) => (farm.terminatePool(pool), ok),
    'settings.get': () => settings(),
    'settings.set': (patch) => {
      const next = { ...settings(), ...patch }
      for (const name of poolNames) if (next.poolSizes[name] !== farm.pools.get(name)!.size) farm.resizePool(name, next.poolSizes[name])
      farm.store.setSetting('settings', next)
      saveSizes()
      return next
    },
    'fs.list': ({ path }) => listFolder(path),
  }

  function saveSizes(): void {
    farm.store.setSetting('poolSizes', defaultSettings(farm).poolSizes)
  }

  return {
    async handle(channel, raw) {
      const schema = apiChannels[channel]
      if (!schema) throw new UserError(`Unknown request "${String(channel)}".`, 'unknown-channel')
      const parsed = schema.request.safeParse(raw ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        throw new UserError(`${issue.message}${issue.path.length ? ` (${issue.path.join('.')})` : ''}`, 'invalid-request')
      }
      const handler = handlers[channel] as (request: unknown) => unknown
      return handler(parsed.data)
    },
  }
}

async function listFolder(path: string | undefined) {
  const folder = resolve(path || homedir())
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    throw new UserError(`Cannot list ${folder}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}.`, 'cannot-list')
  }
  const parent = dirname(folder)
  return {
    path: folder,
    parent: parent === folder ? null : parent,
    entries: entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, path: join(folder, e.name), isDirectory: e.isDirectory() }))
      .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
      .slice(0, 5000),
  }
}
