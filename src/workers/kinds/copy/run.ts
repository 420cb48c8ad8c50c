import { resolve } from 'node:path'
import type { CopySpec } from '../../../shared/kinds/copy'
import { copyPayloadOf } from '../../../shared/kinds/copy-payload'
import type { PlannedItem, WorkItem } from '../../../shared/worker-protocol'
import type { RunContext } from '../../kind-handler'
import type { Units } from '../../task-units'
import { timeSlack } from './conflict'
import { copyEntry, LARGE_FILE } from './copy-file'
import { destNamesReader } from './dest-names'
import { describeCopyError } from './errors'
import { finishFolder } from './finish-folder'
import { LateFileGuard } from './late-files'
import { belowPath, childPath, splitKey, tempName } from './names'
import { destinationVolume } from './volume'
import { walkFolders, walkRules, type WalkRules } from './walk-folder'

/** Large or verified files copied at once by one worker; small files go one after another, synchronously. */
const CONCURRENT_LARGE = 4
/** How long synchronous copying may hold the event loop before messages and cancels get through. */
const SLICE_MS = 10

/** Runs a batch of copy items: files and links in order, then the batch's folders in order. */
export async function runCopy(spec: CopySpec, items: Units, ctx: RunContext): Promise<void> {
  const destination = resolve(spec.destination)
  const sources = spec.sources.map((s) => resolve(s))
  const madeDirs = new Set<string>()
  const createdDirs = new Set<string>()
  const inFlight = new Set<Promise<void>>()
  // Entries of a folder that failed here will never appear: its folder item must not wait for them.
  const failedIn = new Map<string, number>()
  // Kept times are compared at the destination's own precision (a finished copy on FAT is 2 s off).
  const volume = destinationVolume(destination)
  const timeSlackMs = spec.preserve ? timeSlack(volume.timePrecisionMs) : undefined
  // Names compared exactly: a folder's listing tells which copies may already be there.
  const destNames = volume.foldsCase || volume.foldsForm ? undefined : destNamesReader(Math.max(64, 4 * items.length))
  const lateFiles = new LateFileGuard(spec.preserve, timeSlackMs)
  let sliceStart = performance.now()
  // macOS copies with metadata wait on a clone or on `cp`: several at once, as large files are.
  const viaMac = process.platform === 'darwin' && spec.metadata

  let walking: WalkRules | undefined
  const runItem = async (item: WorkItem): Promise<void> => {
    const payload = copyPayloadOf(item.payload)
    if (payload.problem) return ctx.failed(item.id, payload.problem, { code: 'cannot-copy', retryable: false })
    if (payload.type === 'walk') return walkUnit(item, payload.source)
    const { rel } = splitKey(item.key)
    const source = sources[payload.source]!
    const srcPath = rel ? belowPath(source, rel) : source
    const keyPath = item.key.endsWith('/') ? item.key.slice(0, -1) : item.key
    const slash = keyPath.lastIndexOf('/')
    const destDir = slash < 0 ? destination : belowPath(destination, keyPath.slice(0, slash))
    const realPath = childPath(destDir, keyPath.slice(slash + 1))
    try {
      if (payload.type === 'folder') {
        await finishFolder({
          spec,
          srcPath,
          destPath: realPath,
          expect: payload.expect - (failedIn.get(realPath) ?? 0),
          isSourceRoot: rel === '',
          jobId: ctx.jobId,
          signal: ctx.signal,
          log: (message) => ctx.log('debug', message),
        })
        return ctx.done(item.id)
      }
      const parentRel = rel.slice(0, Math.max(0, rel.lastIndexOf('/')))
      lateFiles.note(destDir, parentRel ? belowPath(source, parentRel) : source)
      const destName = payload.renameTo ?? keyPath.slice(slash + 1)
      const result = await copyEntry({
        spec,
        payload,
        srcPath,
        destDir,
        destPath: childPath(destDir, destName),
        madeDirs,
        createdDirs,
        destNames,
        timeSlackMs,
        signal: ctx.signal,
        tempPath: childPath(destDir, tempName(destName, ctx.jobId)),
        progress: (bytes) => ctx.progress(item.id, bytes),
      })
      ctx.done(item.id, result)
    } catch (error) {
      if (ctx.signal.aborted) return // left pending: a resume runs it again
      failedIn.set(destDir, (failedIn.get(destDir) ?? 0) + 1)
      const failure = describeCopyError(error)
      ctx.failed(item.id, failure.message, { code: failure.code, retryable: failure.retryable })
    }
  }

  /** A folder of the parallel walk: lists it and finds its units (stored with this unit's `done`). */
  const walkUnit = (item: WorkItem, source: number): void => {
    const emit = ctx.emit
    // A remote host cannot add units to the job: the listing goes again (to a local worker, it is hoped).
    if (!emit) return ctx.failed(item.id, 'Listing a folder needs a local worker; this one cannot add units.')
    try {
      walking ??= walkRules(spec)
      const found = (unit: PlannedItem): void => emit(item.id, unit)
      const blocked = walkFolders(walking, { key: item.key, source, sourcePath: sources[source]! }, found)
      if (blocked) ctx.failed(item.id, blocked, { code: 'cannot-copy', retryable: false })
      else ctx.done(item.id)
    } catch (error) {
      if (ctx.signal.aborted) return
      const failure = describeCopyError(error)
      ctx.failed(item.id, failure.message, { code: failure.code, retryable: failure.retryable })
    }
  }

  // Folders go last: their content in this batch is then done, and content in a batch another
  // worker took just before this one has had the time of this whole batch to finish.
  const folders: WorkItem[] = []
  for (const item of items) {
    if (ctx.signal.aborted) break
    const payload = copyPayloadOf(item.payload)
    if (payload.type === 'folder' && !payload.problem) {
      folders.push(item)
      continue
    }
    if (
      payload.type === 'file' &&
      !payload.problem &&
      (item.size >= LARGE_FILE || spec.verify || spec.keepHashes || viaMac)
    ) {
      while (inFlight.size >= CONCURRENT_LARGE) await Promise.race(inFlight)
      const running: Promise<void> = runItem(item).finally(() => inFlight.delete(running))
      inFlight.add(running)
    } else await runItem(item)
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((done) => setImmediate(done))
      sliceStart = performance.now()
    }
  }
  await Promise.all(inFlight)
  lateFiles.restore()
  for (const folder of folders) {
    if (ctx.signal.aborted) break
    await runItem(folder)
  }
}
