import type { Command } from 'commander'
import type { JobLink } from '../../shared/api-types'
import type { HostPace } from '../../shared/kinds/host-pace'
import { jobStates, type JobState } from '../../shared/job-state'
import { jobKinds } from '../../shared/job-spec'
import { formatBytes, formatCount, percent } from '../../shared/format'
import { UserError } from '../../shared/user-error'
import { jobDetail, jobSummary } from '../../core/job-views'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, table } from '../output'
import { jobId, oneOf, positiveInt } from '../parse-options'
import { endLine } from '../progress-view'
import { livePools, waitingLine, withLiveWait } from '../waiting-line'

/** `jobs` and `show`: read the history (works while another farm runs jobs on it). */
export function configureJobs(command: Command, cli: CliContext): void {
  command
    .option('--status <state>', `only jobs in this state (${jobStates.join(', ')})`, oneOf('--status', jobStates))
    .option('--kind <kind>', `only jobs of this kind (${jobKinds.join(', ')})`, oneOf('--kind', jobKinds))
    .option('--search <text>', 'only jobs whose title or spec contains this text')
    .option('--limit <n>', 'at most this many', positiveInt('--limit', 10_000), 50)
    .option('--json', 'print JSON')
    .action(
      commandAction(async (o) => {
        const { rows, total } = await cli.withHistory((store) =>
          store.listJobs({
            states: o.status ? [o.status as JobState] : undefined,
            kind: o.kind,
            text: o.search,
            limit: o.limit,
            offset: 0,
          }),
        )
        const jobs = rows.map((row) => jobSummary({ ...row, state: cli.shownState(row.state) }, undefined))
        if (o.json) return print(JSON.stringify({ jobs, total }, null, 2))
        if (jobs.length === 0) return print('No jobs yet.')
        print(
          table([
            ['ID', 'STATE', 'KIND', 'PROGRESS', 'CREATED', 'TITLE'],
            ...jobs.map((j) => [
              String(j.id),
              // Cancelled, its clean-up still running: not over yet.
              j.cancelling ? 'cancelling' : j.state,
              j.kind,
              `${percent(j.itemsDone + j.itemsFailed, j.itemsTotal).toFixed(0)}% ${formatCount(j.itemsDone)}/${formatCount(j.itemsTotal)}${j.itemsFailed ? ` (${j.itemsFailed} failed)` : ''}`,
              new Date(j.createdAt).toLocaleString(),
              j.title,
            ]),
          ]),
        )
        if (total > jobs.length) print(`… ${total - jobs.length} more (use --limit).`)
        // A job that does not move says why, and the command that moves it.
        const pools = await livePools(cli)
        for (const j of jobs) {
          const line = waitingLine(await withLiveWait(cli, j), pools)
          if (line) print(`Job ${j.id} ${line}`)
        }
      }),
    )
}

/** "job 3 (completed, after-ok), job 4 (waiting)". */
const linksText = (links: JobLink[]): string =>
  links.map((l) => `job ${l.jobId} (${l.state ?? 'removed'}${l.ok ? ', after-ok' : ''})`).join(', ')

export function configureShow(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .option('--json', 'print JSON')
    .action(
      commandAction(async (id: number, o) => {
        const { detail, failed } = await cli.withHistory((store) => {
          const row = store.job(id)
          if (!row) throw new UserError(`There is no job ${id}.`, 'no-such-job')
          const followers = store.followers(id)
          const shown = jobDetail({ ...row, state: cli.shownState(row.state) }, undefined, store.timeline(id))
          return {
            detail: followers.length ? { ...shown, followers } : shown,
            failed: store.items(id, { state: 'failed', limit: 50, offset: 0 }),
          }
        })
        const hosts = await liveHosts(cli, id)
        if (o.json)
          return print(
            JSON.stringify(
              { ...detail, ...(hosts ? { hosts } : {}), failedItems: failed.items, failedTotal: failed.total },
              null,
              2,
            ),
          )
        print(`Job ${detail.id}: ${detail.title}`)
        print(
          `State:    ${detail.cancelling ? 'cancelling (its clean-up is running)' : detail.state}${detail.error ? ` — ${detail.error}` : ''}`,
        )
        const waiting = waitingLine(await withLiveWait(cli, detail), await livePools(cli))
        if (waiting) print(`Waiting:  ${waiting}`)
        if (detail.after && detail.state !== 'waiting') print(`After:    ${linksText(detail.after)}`)
        if (detail.followers) print(`Then:     ${linksText(detail.followers)}`)
        print(
          `Items:    ${formatCount(detail.itemsDone)} done, ${formatCount(detail.itemsFailed)} failed, ${formatCount(detail.itemsTotal)} in all`,
        )
        if (detail.bytesTotal) print(`Bytes:    ${formatBytes(detail.bytesDone)} of ${formatBytes(detail.bytesTotal)}`)
        print(`Slots:    ${await slotsLine(cli, detail)}`)
        for (const h of hosts ?? []) print(`Host:     ${hostLine(h)}`)
        print(`Spec:     ${JSON.stringify(detail.spec)}`)
        if (detail.memfree) print(`Memfree:  ${formatBytes(detail.memfree)} (no unit starts below it)`)
        for (const note of detail.notes) print(`Plan:     ${note}`)
        print('Timeline:')
        for (const t of detail.timeline)
          print(`  ${new Date(t.at).toLocaleString()}  ${t.state}${t.note ? `  ${t.note}` : ''}`)
        if (failed.total) {
          print(`Failed items (${failed.total}):`)
          for (const item of failed.items) print(`  ${item.key}: ${item.error}${foundText(item.result)}`)
          if (failed.total > failed.items.length)
            print(`  … ${failed.total - failed.items.length} more (--json, or the app)`)
        }
        print(endLine(detail))
      }),
    )
}

/** How a crawl found a page (its row's `foundFrom` and `depth`), for the lines of its units. */
function foundText(result: unknown): string {
  const found = result as { foundFrom?: string | null; depth?: number } | null
  if (typeof found?.depth !== 'number') return ''
  return found.foundFrom ? ` (found from ${found.foundFrom}, depth ${found.depth})` : ' (the start page)'
}

/** A running URL job's hosts as the farm running it paces them; null when no farm runs it. */
async function liveHosts(cli: CliContext, jobId: number): Promise<HostPace[] | null> {
  if (!(await cli.owner())) return null
  try {
    return (await cli.call('jobs.get', { jobId })).hosts ?? null
  } catch {
    return null // The farm closed meanwhile: what the history says is all there is.
  }
}

function hostLine(h: HostPace): string {
  const rate = h.rate === null ? 'no limit' : `${h.rate}/s allowed`
  const delay = h.crawlDelayMs ? `, Crawl-delay ${h.crawlDelayMs / 1000} s` : ''
  return `${h.host}: ${h.perSecond}/s now (${rate}${delay}), ${h.requests} requests, ${h.throttled} throttled (429/503), ${h.backoffs} back-offs${h.waiting ? `, ${h.waiting} waiting` : ''}`
}

/** The job's slots (in use, when a farm runs it) beside its pool's size: each bounds something else. */
async function slotsLine(
  cli: CliContext,
  detail: { id: number; pool: string; slots?: number | null },
): Promise<string> {
  const total = detail.slots ?? null
  const pool = (await cli.owner()) ? (await cli.call('pools.list', {})).find((p) => p.name === detail.pool) : undefined
  const live = pool?.jobSlots?.find((j) => j.jobId === detail.id)
  const slots = total === null ? 'no bound but the pool' : live ? `${live.inUse}/${total} in use` : String(total)
  return `${slots} (units at once across the farm)${pool ? `; the ${pool.name} pool has ${pool.size} workers` : ''}`
}
