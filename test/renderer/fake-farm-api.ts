import type { ApiChannel, ApiEvent, ApiEventPayload, ApiRequest, ApiResponse } from '../../src/shared/api'
import type { JobSummary, PoolInfo } from '../../src/shared/api-types'
import type { UiApi } from '../../src/renderer/src/api/ui-api'

type Handler = (request: unknown) => unknown

/** A FarmApi for component and store tests: canned answers per channel, events fired by hand. */
export function fakeFarmApi(handlers: Partial<Record<ApiChannel, Handler>> = {}) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const calls: { channel: ApiChannel; request: unknown }[] = []
  const api: UiApi = {
    async call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
      calls.push({ channel, request })
      const handler = handlers[channel]
      if (!handler) throw new Error(`no fake answer for ${channel}`)
      return (await handler(request)) as ApiResponse<C>
    },
    on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (payload: unknown) => void)
      return () => set.delete(listener as (payload: unknown) => void)
    },
  }
  return {
    api,
    calls,
    emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void {
      listeners.get(event)?.forEach((l) => l(payload))
    },
    listenerCount: (event: ApiEvent) => listeners.get(event)?.size ?? 0,
  }
}

export function jobSummary(change: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 1,
    kind: 'probe',
    title: 'Probe ×10',
    state: 'running',
    priority: 0,
    pool: 'cpu',
    planOnly: false,
    planned: true,
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    finishedAt: null,
    itemsTotal: 10,
    itemsDone: 4,
    itemsFailed: 0,
    bytesTotal: 0,
    bytesDone: 0,
    itemRate: 2,
    byteRate: 0,
    etaMs: 3000,
    current: [],
    error: null,
    errorCode: null,
    ...change,
  }
}

/** Lets pending promises and Vue's scheduler run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

export function poolInfo(change: Partial<PoolInfo> = {}): PoolInfo {
  return {
    name: 'cpu',
    size: 3,
    paused: false,
    closed: false,
    maxRunningJobs: 3,
    maxTasksPerWorker: 0,
    tasksPerWorker: 1,
    runningJobs: 0,
    queuedJobs: 0,
    workers: [],
    ...change,
  }
}
