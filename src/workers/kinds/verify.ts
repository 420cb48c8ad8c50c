import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import type { VerifyPayload, VerifySpec } from '../../shared/kinds/verify'
import { UserError } from '../../shared/user-error'
import type { WorkItem } from '../../shared/worker-protocol'
import { sleep } from '../abortable-sleep'
import type { KindHandler, RunContext } from '../kind-handler'
import { isAnyTempName } from './copy/names'
import { fileDigest } from './copy/verify'
import { readCopyRecord } from './verify/copy-files'

/**
 * Verify jobs (`src/shared/kinds/verify.ts`): the plan emits one unit per file the copy hashed, then
 * one per file found at the destination that the copy never made; a run hashes each file again.
 */
export const verifyHandler: KindHandler<VerifySpec> = {
  async plan(spec, ctx) {
    const copy = await readCopyRecord(ctx.history, spec.copyJob)
    const known = new Set<string>()
    let hashed = 0
    let unhashed = 0
    for (const entry of copy.entries) {
      known.add(entry.path)
      if (entry.type !== 'file') continue
      if (!entry.xxh128) {
        unhashed++
        continue
      }
      hashed++
      ctx.emit({ key: entry.path, payload: { xxh128: entry.xxh128 } satisfies VerifyPayload, size: entry.size })
    }
    if (hashed === 0)
      throw new UserError(
        `Copy ${spec.copyJob} kept no file hashes, so there is nothing to check against: copy with --keep-hashes (or --verify) to verify it later.`,
        'no-hashes',
      )
    let extra = 0
    const destination = resolve(spec.destination)
    for (const root of copy.roots) {
      const rootPath = join(destination, root)
      let entries
      try {
        entries = readdirSync(rootPath, { recursive: true, withFileTypes: true })
      } catch {
        continue // the whole folder is gone: each file is then missing
      }
      for (const entry of entries) {
        if (ctx.signal.aborted) return
        if (entry.isDirectory() || isAnyTempName(entry.name)) continue
        const key = `${root}/${relative(rootPath, join(entry.parentPath, entry.name)).split(sep).join('/')}`
        if (known.has(key)) continue
        extra++
        ctx.emit({ key, payload: { extra: true } satisfies VerifyPayload, size: 0 })
      }
    }
    const notes = [`${hashed} files to check against their hashes`]
    if (extra) notes.push(`${extra} files at the destination that the copy did not make`)
    if (unhashed) notes.push(`${unhashed} copied files without a hash are not checked`)
    return { notes, facts: { files: hashed, extra, unhashed } }
  },

  async run(spec, units, ctx) {
    const destination = resolve(spec.destination)
    // A test hook: slows every unit so a test can kill the farm in the middle of a verify.
    const delayMs = Number(process.env.TASK_FARM_TEST_VERIFY_DELAY_MS) || 0
    for (const unit of units) {
      if (ctx.signal.aborted) return
      if (delayMs) await sleep(delayMs, ctx.signal)
      if (ctx.signal.aborted) return
      await checkUnit(unit, join(destination, ...unit.key.split('/')), ctx)
    }
  },
}

async function checkUnit(unit: WorkItem, path: string, ctx: RunContext): Promise<void> {
  const payload = unit.payload as VerifyPayload
  const fail = (error: string, code: string, retryable = false): void => ctx.failed(unit.id, error, { code, retryable })
  if ('extra' in payload) return fail('It is at the destination, but the copy did not make it.', 'extra')
  const info = statSync(path, { throwIfNoEntry: false })
  if (!info) return fail('It is missing from the destination.', 'missing')
  if (!info.isFile()) return fail('It is no longer a file.', 'changed')
  ctx.progress(unit.id, 0)
  try {
    const digest = await fileDigest(path, ctx.signal)
    if (digest === payload.xxh128) return ctx.done(unit.id)
    fail(`Its content changed since the copy (xxh128 ${payload.xxh128}, now ${digest}).`, 'changed')
  } catch (error) {
    if (ctx.signal.aborted) return // left pending: a resume checks it again
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return fail('It is missing from the destination.', 'missing')
    fail(`It cannot be read (${code ?? (error as Error).message}).`, 'unreadable', true)
  }
}
