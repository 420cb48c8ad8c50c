import fc from 'fast-check'
import type { PoolName } from '../../src/shared/job-spec'
import { violated, type FarmModel, type ModelJob } from './farm-model'
import { checkOn, graceMs } from './job-rules'
import { modelKinds, planJob, type JobChoice } from './model-fixtures'
import { checkStep, type RealFarm } from './step-check'
import { grantAfterKill, refreshRuns } from './unit-checks'

type Step = fc.AsyncCommand<FarmModel, RealFarm>

/** Every step ends the same way: it is counted, written down, and every invariant is checked. */
abstract class ModelStep implements Step {
  check(model: Readonly<FarmModel>): boolean {
    return model.jobs.length > 0
  }
  async run(model: FarmModel, real: RealFarm): Promise<void> {
    model.steps.count++
    const kind = this.toString().split(' ')[0]!
    model.steps.byKind[kind] = (model.steps.byKind[kind] ?? 0) + 1
    real.trail.push(`${new Date().toISOString().slice(11, 23)} ${this.toString()}`)
    await this.act(model, real)
    checkStep(model, real)
  }
  abstract act(model: FarmModel, real: RealFarm): Promise<void>
  abstract toString(): string
  protected job(model: FarmModel, pick: number, real: RealFarm): ModelJob {
    const job = model.jobs[pick % model.jobs.length]!
    real.trail.push(`  job ${job.id} (${job.plan.kind})`)
    return job
  }
}

export class CreateJob extends ModelStep {
  /** `after`: follow the job it picks (`--after`, or `--after-ok` when `ok`), when there is one. */
  constructor(
    readonly choice: JobChoice,
    readonly after: { pick: number; ok: boolean } | null = null,
  ) {
    super()
  }
  override check(): boolean {
    return true
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const tag = model.nextTag++
    const plan = planJob(real.world, this.choice, tag)
    const leader = this.after && model.jobs.length ? this.job(model, this.after.pick, real) : null
    const follows = leader ? { jobId: leader.id, ok: this.after!.ok } : undefined
    const options = follows ? { after: [follows] } : {}
    const { jobId } = await real.owner.client.call('jobs.create', { spec: plan.spec, options })
    real.trail.push(`  job ${jobId}`)
    model.jobs.push({
      id: jobId,
      tag,
      plan,
      expect: { is: 'active' },
      causes: [],
      checked: 0,
      lastState: 'queued',
      runs: [],
      grants: [],
      retries: [],
      holds: [],
      follows,
    })
  }
  toString(): string {
    const c = this.choice
    const after = this.after ? ` after${this.after.ok ? '-ok' : ''} #${this.after.pick}` : ''
    return `create ${c.kind} units=${c.units} slots=${c.slots} failing=${c.failures} sleep=${c.sleepMs}${c.deadline ? ' deadline' : ''}${after}`
  }
}

type Control = 'pause' | 'resume' | 'cancel' | 'retry'

/** A control of one job; what the farm must accept follows from what the model knows of the job. */
export class JobControl extends ModelStep {
  constructor(
    readonly control: Control,
    readonly pick: number,
  ) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const job = this.job(model, this.pick, real)
    // A resume or retry may start units before its answer is back: their holds end when it is sent.
    const sentAt = Date.now()
    try {
      await real.owner.client.call(`jobs.${this.control}`, { jobId: job.id })
      real.trail.push(`  accepted`)
      model.steps.byKind[`${this.control} accepted`] = (model.steps.byKind[`${this.control} accepted`] ?? 0) + 1
    } catch (error) {
      real.trail.push(`  refused: ${(error as Error).message}`)
      if (!(error as { code?: string }).code)
        violated('control', `${this.control} of job ${job.id} failed without a user error: ${String(error)}`)
      if (mustAccept(this.control, job))
        violated(
          'control',
          `${this.control} of job ${job.id} (expected ${describe(job)}) was refused: ${(error as Error).message}`,
        )
      return
    }
    job.causes.push(this.control)
    const now = Date.now()
    if (this.control === 'pause') job.expect = { is: 'paused' }
    else if (this.control === 'cancel') job.expect = { is: 'cancelling', since: now }
    else job.expect = { is: 'active' }
    if (this.control === 'pause' || this.control === 'cancel') job.holds.push({ by: this.control, from: now, to: null })
    else for (const hold of job.holds) hold.to ??= sentAt
    if (this.control === 'retry') job.retries.push(sentAt)
  }
  toString(): string {
    return `${this.control} #${this.pick}`
  }
}

/** Controls that a job in a state the model is sure of must accept. */
function mustAccept(control: Control, job: ModelJob): boolean {
  const e = job.expect
  const resting = e.is === 'resting' ? e.state : null
  if (control === 'resume') return e.is === 'paused' || resting === 'interrupted'
  if (control === 'cancel') return e.is === 'paused' || resting === 'interrupted' || resting === 'timed-out'
  if (control === 'retry') return resting === 'failed' || resting === 'completed-with-errors'
  return false
}

const describe = (job: ModelJob): string => (job.expect.is === 'resting' ? job.expect.state : job.expect.is)

export class Priority extends ModelStep {
  constructor(
    readonly pick: number,
    readonly priority: number,
  ) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    await real.owner.client.call('jobs.priority', {
      jobId: this.job(model, this.pick, real).id,
      priority: this.priority,
    })
  }
  toString(): string {
    return `priority #${this.pick} ${this.priority}`
  }
}

export class Resize extends ModelStep {
  constructor(
    readonly pool: PoolName,
    readonly size: number,
  ) {
    super()
  }
  override check(): boolean {
    return true
  }
  async act(_model: FarmModel, real: RealFarm): Promise<void> {
    await real.owner.resize(this.pool, this.size)
  }
  toString(): string {
    return `resize ${this.pool} ${this.size}`
  }
}

/** kill -9 of one worker of a pool, a busy one when there is one. */
export class KillWorker extends ModelStep {
  constructor(
    readonly pool: PoolName,
    readonly pick: number,
  ) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const pools = await real.owner.client.call('pools.list', {})
    const workers = pools.find((p) => p.name === this.pool)?.workers.filter((w) => w.pid !== null) ?? []
    const busy = workers.filter((w) => w.jobId !== null)
    const chosen = (busy.length ? busy : workers)[this.pick % Math.max(1, (busy.length ? busy : workers).length)]
    if (!chosen) return
    const at = Date.now()
    for (const job of model.jobs) refreshRuns(job, at)
    try {
      process.kill(chosen.pid!, 'SIGKILL')
    } catch {
      return // it had just exited
    }
    real.trail.push(`  killed worker ${chosen.pid} of ${this.pool} (job ${chosen.jobId})`)
    if (chosen.jobId !== null)
      model.steps.byKind['busy worker killed'] = (model.steps.byKind['busy worker killed'] ?? 0) + 1
    for (const job of model.jobs) grantAfterKill(job, real.history.marks(job.id), at, false)
  }
  toString(): string {
    return `kill -9 a ${this.pool} worker #${this.pick}`
  }
}

/** kill -9 of the farm that owns the history, then `serve` again on it. */
export class KillOwner extends ModelStep {
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const pools = await real.owner.client.call('pools.list', {})
    for (const p of pools) for (const w of p.workers) if (w.pid !== null) real.workerPids.add(w.pid)
    await real.owner.served.stop('SIGKILL')
    real.owner.client.close()
    // The kill's time is when the owner is known dead, not when the signal went out: on a loaded machine
    // the owner can still start or finish units in between.
    const at = Date.now()
    for (const job of model.jobs) refreshRuns(job, at)
    real.ownerKilledAt = at
    for (const job of model.jobs) {
      grantAfterKill(job, real.history.marks(job.id), at, true)
      job.causes.push('owner-killed')
      const state = real.history.job(job.id)!.state
      // A job the dead farm ran is `interrupted` once the history is opened again. A cancel under way
      // must still end it `cancelled`, unless that check is off: then the job keeps what the history says.
      const after = state === 'running' ? 'interrupted' : state
      if (job.expect.is === 'cancelling' && state !== 'cancelled') {
        if (checkOn('cancel-survives-kill')) job.expect = { ...job.expect, afterKill: true }
        else {
          job.expect = { is: 'resting', state: after, since: at }
          job.causes = job.causes.filter((c) => c !== 'cancel')
          for (const hold of job.holds) hold.to ??= at
        }
      } else if (state === 'running' && awaited(model, real, job)) {
        // The owner opened again resumes a job others wait for: it goes on by itself.
        job.causes.push('chain')
        job.expect = { is: 'active' }
      } else if (state === 'running') job.expect = { is: 'resting', state: 'interrupted', since: at }
    }
    await real.owner.killAndReopen()
  }
  override check(): boolean {
    return true
  }
  toString(): string {
    return 'kill -9 the owner, serve again'
  }
}

/** Whether a job the model made waits for this one (so the owner opened again resumes it). */
const awaited = (model: FarmModel, real: RealFarm, job: ModelJob): boolean =>
  model.jobs.some((f) => f.follows?.jobId === job.id && real.history.job(f.id)?.state === 'waiting')

/** `task-farm wait ID` left running: a client attached to the job's end. */
export class Attach extends ModelStep {
  constructor(readonly pick: number) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    real.owner.attach(this.job(model, this.pick, real).id, null)
  }
  toString(): string {
    return `attach to #${this.pick}`
  }
}

/** Ctrl-C of an attached client: it stops waiting at once, and the job keeps its state. */
export class Detach extends ModelStep {
  constructor(readonly pick: number) {
    super()
  }
  override check(): boolean {
    return true
  }
  async act(_model: FarmModel, real: RealFarm): Promise<void> {
    const waiting = real.owner.clients.filter((c) => c.exitedAt === null && c.timeoutMs === null)
    const client = waiting[this.pick % Math.max(1, waiting.length)]
    if (!client) return
    client.child.kill('SIGINT')
    const ended = await Promise.race([client.result, sleep(graceMs).then(() => null)])
    if (!ended) violated('clients', `\`task-farm wait ${client.jobId}\` did not stop on Ctrl-C within ${graceMs} ms`)
  }
  toString(): string {
    return `detach client #${this.pick}`
  }
}

/** `task-farm wait ID --timeout S`, to its end: it returns by its timeout (plus the grace period). */
export class WaitWithTimeout extends ModelStep {
  constructor(
    readonly pick: number,
    readonly seconds: number,
  ) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const job = this.job(model, this.pick, real)
    const client = real.owner.attach(job.id, this.seconds)
    const ended = await Promise.race([client.result, sleep(this.seconds * 1000 + graceMs).then(() => null)])
    if (!ended)
      violated(
        'clients',
        `\`task-farm wait ${job.id} --timeout ${this.seconds}\` did not return within its timeout and ${graceMs} ms`,
      )
    else if (![0, 1, 2, 124, 130].includes(ended.code ?? -1))
      violated('clients', `\`task-farm wait ${job.id}\` exited ${ended.code}: ${ended.err.trim()}`)
    else if (ended.code === 0 && real.history.job(job.id)?.state !== 'completed')
      violated('clients', `\`task-farm wait ${job.id}\` exited 0, but the job is ${real.history.job(job.id)?.state}`)
  }
  toString(): string {
    return `wait #${this.pick} --timeout ${this.seconds}`
  }
}

export class LetTimePass extends ModelStep {
  constructor(readonly ms: number) {
    super()
  }
  override check(): boolean {
    return true
  }
  async act(): Promise<void> {
    await sleep(this.ms)
  }
  toString(): string {
    return `sleep ${this.ms} ms`
  }
}

/** Waits (bounded) until a command or module job has started `count` runs: a control can then land mid-unit. */
export class UntilStarted extends ModelStep {
  constructor(
    readonly pick: number,
    readonly count: number,
  ) {
    super()
  }
  async act(model: FarmModel, real: RealFarm): Promise<void> {
    const job = this.job(model, this.pick, real)
    if (!job.plan.records || job.expect.is !== 'active') return
    const limit = Date.now() + 10_000
    for (;;) {
      refreshRuns(job, Date.now())
      const state = real.history.job(job.id)?.state
      if (job.runs.length >= this.count || (state !== 'queued' && state !== 'running') || Date.now() > limit) return
      await sleep(50)
    }
  }
  toString(): string {
    return `until #${this.pick} started ${this.count} run(s)`
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const jobChoice: fc.Arbitrary<JobChoice> = fc
  .record({
    kind: fc.constantFrom(...modelKinds),
    units: fc.integer({ min: 1, max: 8 }),
    slots: fc.integer({ min: 1, max: 3 }),
    failures: fc.nat({ max: 1 }),
    deadline: fc.boolean(),
    sleepMs: fc.constantFrom(20, 200, 500, 900),
  })
  .map((c) => ({ ...c, failures: Math.min(c.failures, c.units - 1), deadline: c.kind === 'command' && c.deadline }))

const pick = fc.nat({ max: 7 })
const pool = fc.constantFrom<PoolName>('cpu', 'cpu', 'network', 'disk')

/** Every step the model takes, weighted so jobs exist and run for most of a sequence. */
export const modelSteps: fc.Arbitrary<Step>[] = [
  jobChoice.map((c) => new CreateJob(c)),
  jobChoice.map((c) => new CreateJob(c)),
  jobChoice.map((c) => new CreateJob(c)),
  fc.tuple(jobChoice, pick, fc.boolean()).map(([c, p, ok]) => new CreateJob(c, { pick: p, ok })),
  fc.tuple(fc.constantFrom<Control>('pause', 'resume', 'cancel', 'retry'), pick).map(([c, p]) => new JobControl(c, p)),
  fc.tuple(fc.constantFrom<Control>('pause', 'resume'), pick).map(([c, p]) => new JobControl(c, p)),
  fc.tuple(pick, fc.integer({ min: -5, max: 5 })).map(([p, n]) => new Priority(p, n)),
  fc.tuple(pool, fc.integer({ min: 1, max: 4 })).map(([p, n]) => new Resize(p, n)),
  fc.tuple(fc.constantFrom<PoolName>('cpu', 'cpu', 'network', 'disk'), pick).map(([p, n]) => new KillWorker(p, n)),
  fc.constant(new KillOwner()),
  pick.map((p) => new Attach(p)),
  pick.map((p) => new Detach(p)),
  fc.tuple(pick, fc.constantFrom(0, 1, 2)).map(([p, s]) => new WaitWithTimeout(p, s)),
  fc.constantFrom(300, 800, 1500).map((ms) => new LetTimePass(ms)),
  fc.tuple(pick, fc.integer({ min: 1, max: 3 })).map(([p, n]) => new UntilStarted(p, n)),
]
