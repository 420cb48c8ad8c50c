import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KEY_PREFIX, batchIdOf, queueName, sealBatch, type RemoteTask } from '../../src/remote/remote-protocol'
import { RemoteSigner } from '../../src/remote/remote-signing'
import { parseSpec } from '../../src/core/parse-spec'
import { testRedisServer } from '../support/suite-requirements'
import { tempDir, until } from '../support/test-farm'
import { RemoteBed, TEST_REMOTE_KEY, TestHost, TestRedis, counterLines } from './remote-support'

/** A command job whose every unit appends its input to `counter`: what ran, and how often. */
const countingSpec = (counter: string, values: string[]) => ({
  kind: 'command' as const,
  command: ['sh', '-c', `echo "$1" >> ${counter}`, 'sh', '{}'],
  input: { type: 'list' as const, values },
})

/**
 * Write access to Redis alone must not make a host run anything: batches are signed with the farm's
 * key, hosts check the signature, the shape and the gates before a worker process sees a batch.
 */
describe.skipIf(!testRedisServer())('signed remote batches', () => {
  let bed: RemoteBed
  let queue: Queue
  const work = tempDir()

  beforeAll(async () => {
    bed = new RemoteBed(await TestRedis.start())
    queue = new Queue(queueName('cpu'), { connection: { url: bed.redis.url }, prefix: KEY_PREFIX })
  })
  afterEach(async () => {
    process.env.TASK_FARM_REMOTE_KEY = TEST_REMOTE_KEY
    await bed.clear()
  })
  afterAll(async () => {
    await queue?.close()
    await bed?.redis.stop()
    work.remove()
  })

  it("the farm makes its key in the history's folder (0600); a host needs it, and --allow-commands for commands", async () => {
    delete process.env.TASK_FARM_REMOTE_KEY
    const farm = await bed.openFarm()
    const keyFile = join(bed.dir, 'remote.key')
    await until(() => existsSync(keyFile), 'the key file')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    // The farm says where the key is, for whoever sets up its hosts.
    const log = () =>
      farm.store.db.prepare("SELECT message FROM logs WHERE source = 'remote'").pluck().all() as string[]
    await until(
      () => log().some((line) => line.includes(`hosts need the key in ${keyFile}`)),
      'the key named in the log',
    )

    const keyless = new TestHost(bed.redis.url, 'keyless', [], { TASK_FARM_REMOTE_KEY: '' })
    bed.hosts.push(keyless)
    expect(await keyless.exited).toBe(2)
    expect(keyless.output.join('')).toMatch(/needs the farm's key: copy remote\.key .* --key-file PATH/)

    const counter = join(work.path, 'counter-keyed')
    const host = new TestHost(bed.redis.url, 'keyed', ['--key-file', keyFile, '--allow-commands'], {
      TASK_FARM_REMOTE_KEY: '',
    })
    bed.hosts.push(host)
    await until(() => bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the keyed host', 60_000)
    const jobId = await farm.create(countingSpec(counter, ['a', 'b', 'c']))
    expect(await farm.waitForEnd(jobId)).toMatchObject({ state: 'completed', itemsDone: 3 })
    expect(counterLines(counter).sort()).toEqual(['a', 'b', 'c'])
  }, 120_000)

  it('a batch pushed into Redis without the key, with a wrong MAC or a changed body is refused and runs nothing', async () => {
    await bed.openFarm()
    const [host] = bed.startHostsWith(['--allow-commands'], 'guard')
    await until(() => bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the host', 60_000)
    const counter = join(work.path, 'counter-forged')
    const session = bed.link!.session
    const task = (taskId: number): Extract<RemoteTask, { type: 'run' }> => ({
      type: 'run',
      taskId,
      jobId: 1,
      spec: parseSpec(countingSpec(counter, ['x'])),
      batches: [],
      units: [{ id: 1, key: 'forged', payload: { seq: 0 }, size: 0, attempt: 1 }],
    })
    const signer = new RemoteSigner(TEST_REMOTE_KEY)
    const wrong = new RemoteSigner('another key, as long as a real one, but not the farm one')
    const forged: [string, unknown][] = [
      // The shape before protocol 2 (what the old benchmark sent), and no signature at all.
      ['old', { protocol: 1, session, message: task(901) }],
      ['unsigned', { ...sealBatch(signer, batchIdOf(session, 902), session, task(902)), mac: '' }],
      ['wrong key', sealBatch(wrong, batchIdOf(session, 903), session, task(903))],
      [
        'changed body',
        {
          ...sealBatch(signer, batchIdOf(session, 904), session, task(904)),
          task: JSON.stringify({ ...task(904), units: [{ ...task(904).units[0], key: 'changed' }] }),
        },
      ],
      // Signed, but under another batch id: a replay cannot dodge the cancelled batches.
      ['moved', sealBatch(signer, batchIdOf(session, 905), session, task(905))],
    ]
    for (const [label, data] of forged) {
      const taskId = 900 + forged.findIndex(([l]) => l === label) + 1
      await queue.add('batch', data, {
        jobId: label === 'moved' ? batchIdOf(session, 999) : batchIdOf(session, taskId),
      })
    }
    await until(
      () =>
        host!.output
          .join('')
          .split('\n')
          .filter((line) => line.startsWith('refused batch')).length >= 5,
      'the host refusing all five',
      60_000,
    )
    const refusals = host!.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('refused batch'))
    expect(refusals.join('\n')).toMatch(/not a signed batch of this protocol/)
    expect(refusals.join('\n')).toMatch(/signature does not match/)
    expect(refusals.every((line) => line.endsWith('nothing ran'))).toBe(true)
    expect(counterLines(counter)).toEqual([])
  }, 120_000)

  it('a host without --allow-commands refuses a signed command batch in one sentence', async () => {
    await bed.openFarm()
    const [host] = bed.startHostsWith([], 'strict')
    await until(() => bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the host', 60_000)
    const counter = join(work.path, 'counter-strict')
    const session = bed.link!.session
    const signer = new RemoteSigner(TEST_REMOTE_KEY)
    const task: RemoteTask = {
      type: 'run',
      taskId: 7,
      jobId: 1,
      spec: parseSpec(countingSpec(counter, ['x'])),
      batches: [],
      units: [{ id: 1, key: 'x', payload: { seq: 0 }, size: 0, attempt: 1 }],
    }
    await queue.add('batch', sealBatch(signer, batchIdOf(session, 7), session, task), {
      jobId: batchIdOf(session, 7),
    })
    await until(() => host!.output.join('').includes('refused batch'), 'the refusal', 60_000)
    expect(host!.output.join('')).toContain('this host runs command jobs only when started with --allow-commands')
    expect(counterLines(counter)).toEqual([])
  }, 120_000)
})
