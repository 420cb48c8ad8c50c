import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobSpec } from '../../src/shared/job-spec'

/** The five kinds the model creates, each small enough that a sequence of steps stays short. */
export const modelKinds = ['copy', 'probe', 'urls', 'command', 'module'] as const
export type ModelKind = (typeof modelKinds)[number]

/** What the test needs to know of a job it made, beside its spec. */
export interface JobPlan {
  kind: ModelKind
  spec: JobSpec
  /** Units of this job that may run at once (its slots); null for kinds whose units are not recorded. */
  slots: number | null
  /** File the job's units append their start and end to (command and module jobs). */
  records: string | null
  /** Inputs whose run fails. */
  failing: string[]
  deadline: boolean
  /** The copy's destination folder for this job. */
  destination: string | null
}

/** A command unit: records its start and end, sleeps (so its process tree can outlive a killed worker), fails for `x…`. */
const unitScript = `#!/bin/sh
printf 'start %s %s %s\\n' "$1" "$$" "$(date +%s%3N)" >> "$2"
sleep "$3"
code=0
case "$1" in x*) code=1 ;; esac
printf 'end %s %s %s %s\\n' "$1" "$$" "$(date +%s%3N)" "$code" >> "$2"
exit $code
`

/** A module unit: the same records, written by the worker that calls it. */
const moduleSource = `import { appendFileSync } from 'node:fs'
export default async function unit(input) {
  appendFileSync(input.log, 'start ' + input.name + ' ' + process.pid + ' ' + Date.now() + '\\n')
  await new Promise((resolve) => setTimeout(resolve, input.ms))
  const code = input.name.startsWith('x') ? 1 : 0
  appendFileSync(input.log, 'end ' + input.name + ' ' + process.pid + ' ' + Date.now() + ' ' + code + '\\n')
  if (code) throw new Error('failed on purpose: ' + input.name)
  return input.name
}
`

export interface ModelWorld {
  dir: string
  unitScript: string
  module: string
  copySource: string
  urlBase: string
}

/** Writes the script, the module and the copy's source tree into `dir`. */
export function makeWorld(dir: string, urlBase: string): ModelWorld {
  const script = join(dir, 'unit.sh')
  writeFileSync(script, unitScript)
  chmodSync(script, 0o755)
  const module = join(dir, 'unit.mjs')
  writeFileSync(module, moduleSource)
  const copySource = join(dir, 'source')
  for (const folder of ['a', 'a/b', 'c']) {
    mkdirSync(join(copySource, folder), { recursive: true })
    for (let i = 0; i < 3; i++)
      writeFileSync(join(copySource, folder, `f${i}.txt`), `${folder} ${i}\n`.repeat(200 * (i + 1)))
  }
  mkdirSync(join(dir, 'records'), { recursive: true })
  mkdirSync(join(dir, 'copies'), { recursive: true })
  return { dir, unitScript: script, module, copySource, urlBase }
}

/** The knobs fast-check picks for a new job. */
export interface JobChoice {
  kind: ModelKind
  units: number
  slots: number
  failures: number
  deadline: boolean
  sleepMs: number
}

/** Builds the spec of the job a choice describes; `tag` names its records file and destination. */
export function planJob(world: ModelWorld, choice: JobChoice, tag: number): JobPlan {
  const names = Array.from({ length: choice.units }, (_, i) => (i < choice.failures ? `x${tag}-${i}` : `u${tag}-${i}`))
  const failing = names.filter((n) => n.startsWith('x'))
  const records = join(world.dir, 'records', `job-${tag}.log`)
  const base = { kind: choice.kind, failing, deadline: false, records: null, destination: null, slots: null }
  switch (choice.kind) {
    case 'command': {
      const seconds = (choice.sleepMs / 1000).toFixed(2)
      // Written as a request is (the farm fills the defaults), so new options of the spec do not break it.
      const spec = {
        kind: 'command',
        command: [world.unitScript, '{}', records, seconds],
        input: { type: 'list', values: names },
        jobs: choice.slots,
        timeoutS: 0,
        retries: 0,
        deadlineS: choice.deadline ? 1.5 : 0,
        shell: false,
      } as JobSpec
      return { ...base, spec, slots: choice.slots, records, deadline: choice.deadline }
    }
    case 'module': {
      const values = names.map((name) => JSON.stringify({ name, log: records, ms: choice.sleepMs }))
      const spec = {
        kind: 'module',
        module: world.module,
        input: { type: 'list', values },
        concurrency: choice.slots,
      } as JobSpec
      return { ...base, spec, slots: choice.slots, records }
    }
    case 'probe': {
      const failOn = Array.from({ length: choice.failures }, (_, i) => i)
      const spec = { kind: 'probe', count: choice.units, chunk: 1, sleepMs: choice.sleepMs, failOn } as JobSpec
      return { ...base, spec, failing: failOn.map(String) }
    }
    case 'urls': {
      const text = names.map((_, i) => `${world.urlBase}/page?n=${tag}-${i}`).join('\n')
      const spec = { kind: 'urls', input: { type: 'text', text }, concurrency: choice.slots } as JobSpec
      return { ...base, spec, failing: [] }
    }
    case 'copy': {
      const destination = join(world.dir, 'copies', `job-${tag}`)
      mkdirSync(destination, { recursive: true })
      const spec = { kind: 'copy', sources: [world.copySource], destination } as JobSpec
      return { ...base, spec, failing: [], destination }
    }
  }
}
