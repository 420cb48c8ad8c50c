import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../support/test-farm'
import { closed, startServedTestFarm, type ServedTestFarm } from './served-farm'

let served: ServedTestFarm
beforeAll(async () => {
  served = await startServedTestFarm()
})
afterAll(() => served.close())

describe('a bad frame closes its own connection, never the farm', () => {
  it('keeps running a job through invalid UTF-8 and oversize frames', async () => {
    const page = await served.connect()
    const created = await served.call(page, 'jobs.create', { spec: { kind: 'probe', count: 40, sleepMs: 20 } })
    expect(created).toMatchObject({ ok: true })
    const jobId = (created.value as { jobId: number }).jobId

    const utf8 = await served.connect()
    const utf8Closed = closed(utf8)
    utf8.on('error', () => undefined)
    utf8.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false })
    expect(await utf8Closed).toBe(1007)

    const huge = await served.connect()
    const hugeClosed = closed(huge)
    huge.on('error', () => undefined)
    huge.send('x'.repeat(5 * 1024 * 1024))
    expect(await hugeClosed).toBe(1009)

    // The page that started the job still talks to the farm, and the job ends well.
    await until(() => served.farm.summary(jobId).state === 'completed', 'the probe job to complete')
    expect(await served.call(page, 'jobs.get', { jobId })).toMatchObject({ ok: true, value: { itemsDone: 40 } })
    page.close()
  })
})
