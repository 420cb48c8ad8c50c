import { violated, type ModelJob } from './farm-model'
import { holdSlackMs } from './job-rules'
import { isAlive, mostAtOnce, readRuns, runEnd, type UnitRun } from './unit-records'

/** Re-reads a command or module job's records, and marks which unfinished runs still live. */
export function refreshRuns(job: ModelJob, now: number): void {
  if (!job.plan.records) return
  job.runs = readRuns(job.plan.records, job.runs)
  for (const run of job.runs) if (run.end === null && isAlive(run.pid)) run.seenAlive = now
}

/** Runs as the records tell them, by unit, in start order. */
function byUnit(runs: UnitRun[]): Map<string, UnitRun[]> {
  const units = new Map<string, UnitRun[]>()
  for (const run of [...runs].sort((a, b) => a.start - b.start))
    units.set(run.name, [...(units.get(run.name) ?? []), run])
  return units
}

/**
 * No unit ran more often than the rules allow, and never beside itself; no more ran at once than the
 * job's slots. A unit may run again after a run that never ended (a kill hit it), after a failed run
 * once a retry was asked, or when a kill came after it finished but before the farm recorded it.
 */
export function checkRuns(job: ModelJob, now: number): void {
  if (!job.plan.records) return
  const name = `job ${job.id} (${job.plan.kind})`
  const used = new Set<{ name: string; at: number }>()
  for (const [unit, runs] of byUnit(job.runs)) {
    for (let k = 1; k < runs.length; k++) {
      const before = runs[k - 1]!
      const again = runs[k]!
      if (before.end !== null && before.end > again.start) {
        violated(
          before.pid === again.pid ? 'slots' : 'orphans',
          `${name}: unit ${unit} ran twice at once (pid ${before.pid} until ${before.end}, pid ${again.pid} from ${again.start})`,
        )
        continue
      }
      if (before.end === null) continue
      if (before.code !== 0 && job.retries.some((at) => at > before.end! && at < again.start)) continue
      const grant = job.grants.find(
        (g) => g.name === unit && !used.has(g) && g.at >= before.start && g.at < again.start,
      )
      if (grant) {
        used.add(grant)
        continue
      }
      violated(
        'no-rerun',
        `${name}: unit ${unit} ran again at ${again.start} after its run ended (code ${before.code}) at ${before.end}, with no retry asked and no kill before it was recorded`,
      )
    }
  }
  for (const run of job.runs) {
    const hold = job.holds.find((h) => run.start > h.from + holdSlackMs && (h.to === null || run.start < h.to))
    if (hold)
      violated(
        hold.by === 'pause' ? 'pause-holds' : 'cancel-holds',
        `${name}: unit ${run.name} started ${run.start - hold.from} ms after the job was ${hold.by === 'pause' ? 'paused' : 'cancelled'}`,
      )
  }
  const slots = job.plan.slots
  if (slots !== null) {
    const most = mostAtOnce(job.runs, (r) => runEnd(r, now, isAlive))
    if (most.count > slots)
      violated(
        'slots',
        `${name}: ${most.count} units ran at once at ${most.at} (${most.names.join(', ')}), its slots are ${slots}`,
      )
  }
}

/**
 * At a kill: units whose run it hit, or whose run finished but whose mark is still pending, may run again. After kill -9 of
 * the owner, they are at most the job's slots (each slot records its unit before it takes the next).
 */
export function grantAfterKill(job: ModelJob, marks: Map<string, string>, at: number, ownerKilled: boolean): void {
  if (!job.plan.records) return
  const finished = new Map<string, UnitRun>()
  for (const run of job.runs) if (run.end !== null && run.end <= at) finished.set(run.name, run)
  const unrecorded = [...finished.keys()].filter((unit) => marks.get(keyOf(job, unit)) === '-')
  // A run the kill hit may also run again, even if its process went on to its end before it was stopped.
  const hit = job.runs.filter((r) => r.start <= at && (r.end === null || r.end > at)).map((r) => r.name)
  for (const unit of new Set([...unrecorded, ...hit])) job.grants.push({ name: unit, at })
  if (ownerKilled && job.plan.slots !== null && unrecorded.length > job.plan.slots)
    violated(
      'no-rerun',
      `job ${job.id} (${job.plan.kind}): at kill -9 of the owner, ${unrecorded.length} finished units were not recorded (${unrecorded.slice(0, 8).join(', ')}…), more than its ${job.plan.slots} slots`,
    )
}

/** A unit's key in the history: the command's input, or the module's JSON input line. */
export function keyOf(job: ModelJob, unit: string): string {
  if (job.plan.spec.kind !== 'module' || job.plan.spec.input.type !== 'list') return unit
  return job.plan.spec.input.values.find((v) => (JSON.parse(v) as { name: string }).name === unit) ?? unit
}

/** A command or module job that completed ran every unit to a good end at least once. */
export function checkAllRan(job: ModelJob): void {
  const spec = job.plan.spec
  if (!job.plan.records || spec.kind !== 'command' || spec.input.type !== 'list') return
  const ok = new Set(job.runs.filter((r) => r.code === 0).map((r) => r.name))
  const missing = spec.input.values.filter((v) => !v.startsWith('x') && !ok.has(v))
  if (missing.length)
    violated('result', `job ${job.id} (command) completed, but ${missing.join(', ')} never ran to its end`)
}
