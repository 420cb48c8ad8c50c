import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { testRedisServer } from '../support/suite-requirements'
import { cliEntry, tempDir } from '../support/test-farm'

/**
 * The key farms and hosts of these tests sign with (farm and hosts read it from the environment; the
 * key file in the history's folder has its own test).
 */
export const TEST_REMOTE_KEY = 'task-farm-test-key-0123456789abcdef0123456789abcdef'
process.env.TASK_FARM_REMOTE_KEY = TEST_REMOTE_KEY

/** A free TCP port on 127.0.0.1 (asked of the system, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface TestRedisOptions {
  password?: string
  /** TLS only (rediss://), with a certificate from a throw-away CA in `caFile`. */
  tls?: boolean
}

/** redis-server (the one global setup found) on a loopback port, with no persistence: a restart loses every key, as a worst case does. */
export class TestRedis {
  private child: ChildProcess | null = null
  private readonly dir = tempDir('task-farm-redis-')
  constructor(
    readonly port: number,
    private readonly options: TestRedisOptions = {},
  ) {}

  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : ''
    return `${this.options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${this.port}`
  }

  /** The CA that signed a TLS server's certificate (for NODE_EXTRA_CA_CERTS). */
  get caFile(): string {
    return join(this.dir.path, 'ca.pem')
  }

  static async start(options: TestRedisOptions = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options)
    await redis.launch()
    return redis
  }

  async launch(): Promise<void> {
    const args = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', this.dir.path]
    if (this.options.password) args.push('--requirepass', this.options.password)
    if (this.options.tls)
      args.push('--port', '0', '--tls-port', String(this.port), ...this.makeCertificates(), '--tls-auth-clients', 'no')
    else args.push('--port', String(this.port))
    const child = spawn(testRedisServer() ?? 'redis-server', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Ready to accept connections')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)))
      // Like the browser tests without Chromium: fail in one line that says how to get it.
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'ENOENT'
              ? 'The remote-worker tests need redis-server: apt-get install redis-server (Debian/Ubuntu).'
              : `redis-server could not start: ${error.message}`,
          ),
        ),
      )
    })
  }

  private makeCertificates(): string[] {
    const at = (name: string) => join(this.dir.path, name)
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=task-farm test CA',
    )
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    )
    writeFileSync(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n')
    ssl(
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.pem'),
      '-days',
      '1',
      '-extfile',
      at('ext.cnf'),
    )
    return ['--tls-cert-file', at('server.pem'), '--tls-key-file', at('server.key'), '--tls-ca-cert-file', at('ca.pem')]
  }

  /** kill -9, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  }

  async stop(): Promise<void> {
    await this.kill()
    this.dir.remove()
  }
}

/** A loopback TCP proxy to Redis that a test can cut and restore: a host behind it is disconnected, not dead. */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>()
  private cut = false

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<CuttableProxy> {
    let proxy: CuttableProxy | null = null
    const server = createServer((client) => {
      if (proxy!.cut) return client.destroy()
      const upstream = connect(targetPort, '127.0.0.1')
      for (const socket of [client, upstream]) {
        proxy!.sockets.add(socket)
        socket.on('error', () => {})
        socket.on('close', () => {
          proxy!.sockets.delete(socket)
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    )
    proxy = new CuttableProxy(server, port)
    return proxy
  }

  url(password?: string): string {
    return `redis://${password ? `:${password}@` : ''}127.0.0.1:${this.port}`
  }

  /** Every connection through it drops, and new ones are refused until `restore`. */
  cutOff(): void {
    this.cut = true
    for (const socket of this.sockets) socket.destroy()
  }

  restore(): void {
    this.cut = false
  }

  async close(): Promise<void> {
    this.cutOff()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** A `task-farm worker` process in a working folder of its own (no access to the farm's history). */
export class TestHost {
  readonly output: string[] = []
  private readonly dir = tempDir('task-farm-host-')
  readonly child: ChildProcess
  readonly exited: Promise<number | null>

  constructor(url: string, name: string, extra: string[] = [], env: Record<string, string> = {}) {
    this.child = spawn(
      process.execPath,
      [cliEntry, 'worker', '--redis', url, '--name', name, '--concurrency', '1', ...extra],
      {
        cwd: this.dir.path,
        // A dead host's batches move on after about a second, not the default ten: the tests wait less.
        env: {
          ...process.env,
          HOME: this.dir.path,
          TASK_FARM_DB: join(this.dir.path, 'none.sqlite'),
          TASK_FARM_REMOTE_LOCK_MS: '2000',
          TASK_FARM_REMOTE_STALLED_MS: '1000',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()))
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
  }

  kill9(): Promise<number | null> {
    this.child.kill('SIGKILL')
    return this.exited
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    await this.exited
    this.dir.remove()
  }
}

/** The job's export as JSON rows (what a person gets), read back. */
export async function exportedRows(
  store: import('../../src/core/store/job-store').JobStore,
  jobId: number,
  dir: string,
): Promise<Record<string, unknown>[]> {
  const { exportJob } = await import('../../src/core/export-job')
  const { readFileSync } = await import('node:fs')
  const file = join(dir, `job-${jobId}.json`)
  await exportJob(store, jobId, 'json', file)
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[]
}

/** Values that occur more than once. */
export function duplicates(values: unknown[]): unknown[] {
  const seen = new Set<unknown>()
  const twice = new Set<unknown>()
  for (const value of values) (seen.has(value) ? twice : seen).add(value)
  return [...twice]
}

/**
 * What a remote test sets up: a farm with no local workers in its network and cpu pools and remote
 * capacity through `redis`, and the hosts started for it. `clear()` after each test leaves nothing.
 */
export class RemoteBed {
  hosts: TestHost[] = []
  /** The farm's side of the link, for its session. */
  link: import('../../src/remote').BullmqRemoteLink | null = null
  private opened: { farm: import('../../src/core/farm').Farm; dir: ReturnType<typeof tempDir> } | null = null

  constructor(public redis: TestRedis) {}

  get farm(): import('../../src/core/farm').Farm {
    return this.opened!.farm
  }
  get dir(): string {
    return this.opened!.dir.path
  }

  /** `local`: local workers of the network pool beside the hosts (none unless a test needs them). */
  async openFarm(local = 0): Promise<import('../../src/core/farm').Farm> {
    const { openTestFarm } = await import('../support/test-farm')
    const { BullmqRemoteLink } = await import('../../src/remote')
    this.link = new BullmqRemoteLink(this.redis.url)
    const pools = { network: { size: local }, cpu: { size: 0 } }
    const { farm, dir } = openTestFarm({ pools, remote: this.link })
    this.opened = { farm, dir }
    return farm
  }

  startHosts(...names: string[]): TestHost[] {
    return this.startHostsWith([], ...names)
  }

  /** Hosts started with more arguments (`--allow-commands`…). */
  startHostsWith(extra: string[], ...names: string[]): TestHost[] {
    const started = names.map((name) => new TestHost(this.redis.url, name, extra))
    this.hosts.push(...started)
    return started
  }

  hostsOf(pool: 'network' | 'cpu') {
    return this.farm.poolInfo().find((p) => p.name === pool)!.remoteHosts!
  }

  /** Until `count` hosts run in both remote pools. */
  async hostsRunning(count: number): Promise<void> {
    const { until } = await import('../support/test-farm')
    const running = (pool: 'network' | 'cpu') => this.hostsOf(pool).filter((h) => h.state === 'running').length
    await until(
      () => running('network') === count && running('cpu') === count,
      `${count} remote hosts in both pools`,
      60_000,
    )
  }

  async clear(): Promise<void> {
    await this.opened?.farm.shutdown('now')
    this.opened?.dir.remove()
    this.opened = null
    this.link = null
    await Promise.all(this.hosts.map((h) => h.stop()))
    this.hosts = []
  }
}

/**
 * A bed on its own Redis for the tests of a \`describe\`, with a client of that Redis: the farm, hosts
 * and every key are gone after each test. Read \`bed\` and \`client\` in the tests (set before them).
 */
export function remoteBedForSuite(): { bed: RemoteBed; client: Redis } {
  const suite = {} as { bed: RemoteBed; client: Redis }
  beforeAll(async () => {
    suite.bed = new RemoteBed(await TestRedis.start())
    suite.client = new Redis(suite.bed.redis.url)
  })
  afterEach(async () => {
    await suite.bed.clear()
    await suite.client.flushall()
  })
  afterAll(async () => {
    suite.client?.disconnect()
    await suite.bed?.redis.stop()
  })
  return suite
}

/** The lines a job's commands appended to a counter file: what ran, and how often. */
export const counterLines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []

/**
 * For one describe block: a Redis and a bed on it (cleared after each test), and a work folder; all
 * gone after the block.
 */
export function useRemoteBed(): { readonly bed: RemoteBed; readonly work: string } {
  const work = tempDir()
  let bed: RemoteBed | null = null
  beforeAll(async () => {
    bed = new RemoteBed(await TestRedis.start())
  })
  afterEach(() => bed?.clear())
  afterAll(async () => {
    await bed?.redis.stop()
    work.remove()
  })
  return {
    get bed() {
      return bed!
    },
    work: work.path,
  }
}
