import type { JobSummary, LogEntry } from '../shared/api-types'
import { formatBytes, formatCount, formatDuration, formatRate, percent } from '../shared/format'

/** How a foreground job shows itself: a redrawn bar on a terminal, JSON lines for scripts, plain lines otherwise. */
export interface ProgressView {
  update(job: JobSummary): void
  log(entry: LogEntry): void
  note(text: string): void
  end(job: JobSummary): void
}

export function createProgressView(options: {
  json: boolean
  /** Standard output carries the units' output: the bar, notes and end line go to standard error. */
  statusOnStderr?: boolean
  out?: NodeJS.WriteStream
  err?: NodeJS.WriteStream
}): ProgressView {
  const out = options.out ?? (options.statusOnStderr && !options.json ? process.stderr : process.stdout)
  const err = options.err ?? process.stderr
  if (options.json) return jsonView(out)
  return out.isTTY ? terminalView(out) : plainView(out, err)
}

function jsonView(out: NodeJS.WritableStream): ProgressView {
  const write = (event: string, data: object): void => void out.write(JSON.stringify({ event, ...data }) + '\n')
  let lastProgress = 0
  return {
    // Scripts want a steady stream, not ten lines a second.
    update(job) {
      const now = Date.now()
      if (now - lastProgress < 500) return
      lastProgress = now
      write('progress', job)
    },
    log: (entry) => write('log', entry),
    note: (text) => write('note', { message: text }),
    end: (job) => write('end', job),
  }
}

function terminalView(out: NodeJS.WriteStream): ProgressView {
  let shown = false
  const clear = (): void => {
    if (shown) out.write('\r\x1b[2K')
    shown = false
  }
  return {
    update(job) {
      clear()
      out.write(progressLine(job, out.columns ?? 100))
      shown = true
    },
    log(entry) {
      if (entry.level === 'debug' || (entry.level === 'info' && entry.source !== 'core')) return
      clear()
      out.write(`${entry.level === 'info' ? '' : `${entry.level}: `}${entry.message}\n`)
    },
    note(text) {
      clear()
      out.write(`${text}\n`)
    },
    end(job) {
      clear()
      out.write(`${endLine(job)}\n`)
    },
  }
}

function plainView(out: NodeJS.WritableStream, err: NodeJS.WritableStream): ProgressView {
  return {
    update() {},
    log(entry) {
      if (entry.level === 'warn' || entry.level === 'error') err.write(`${entry.level}: ${entry.message}\n`)
    },
    note: (text) => void out.write(`${text}\n`),
    end: (job) => void out.write(`${endLine(job)}\n`),
  }
}

export function progressLine(job: JobSummary, width: number): string {
  if (!job.planned) return truncate(`planning job ${job.id}… ${formatCount(job.itemsTotal)} items found`, width)
  const finished = job.itemsDone + job.itemsFailed
  const share = job.bytesTotal > 0 ? percent(job.bytesDone, job.bytesTotal) : percent(finished, job.itemsTotal)
  const bar = '█'.repeat(Math.round(share / 5)).padEnd(20, '░')
  const parts = [
    `${bar} ${share.toFixed(0).padStart(3)}%`,
    `${formatCount(finished)}/${formatCount(job.itemsTotal)}`,
    job.bytesTotal > 0 ? `${formatBytes(job.bytesDone)}/${formatBytes(job.bytesTotal)}` : '',
    // The farm gives no rate and no ETA until the pace is known: say so rather than "0/s · ETA –".
    job.etaMs === null && job.itemRate === 0
      ? 'estimating…'
      : job.bytesTotal > 0
        ? formatRate(job.byteRate, 'bytes')
        : formatRate(job.itemRate, 'items'),
    job.finding ? 'still finding' : job.etaMs === null && job.itemRate === 0 ? '' : `ETA ${formatDuration(job.etaMs)}`,
    job.itemsFailed ? `${formatCount(job.itemsFailed)} failed` : '',
    job.state === 'running' ? (job.current[0] ?? '') : job.state,
  ]
  return truncate(parts.filter(Boolean).join(' · '), width - 1)
}

export function endLine(job: JobSummary): string {
  const took = job.startedAt && job.finishedAt ? ` in ${formatDuration(job.finishedAt - job.startedAt)}` : ''
  const bytes = job.bytesTotal > 0 ? `, ${formatBytes(job.bytesDone)}` : ''
  const counts = `${formatCount(job.itemsDone)} of ${formatCount(job.itemsTotal)} items done${bytes}`
  switch (job.state) {
    case 'completed':
      return job.planOnly
        ? `Planned job ${job.id}: ${formatCount(job.itemsTotal)} items${job.bytesTotal ? `, ${formatBytes(job.bytesTotal)}` : ''}; nothing was changed.`
        : `Completed job ${job.id}: ${counts}${took}.`
    case 'completed-with-errors':
      return `Job ${job.id} completed with errors: ${counts}, ${formatCount(job.itemsFailed)} failed${took}. See \`task-farm show ${job.id}\`; \`task-farm retry ${job.id}\` re-runs the failed ones.`
    case 'failed':
      return `Job ${job.id} failed: ${job.error ?? 'unknown error'}`
    case 'cancelled':
      return `Job ${job.id} was cancelled: ${counts}.`
    case 'skipped':
      return `Job ${job.id} was skipped: ${job.error ?? 'the jobs it follows did not complete'}.`
    case 'interrupted':
      return `Job ${job.id} interrupted: ${counts}. \`task-farm resume ${job.id}\` goes on from here.`
    case 'timed-out':
      return `Job ${job.id} timed out: ${counts}. \`task-farm resume ${job.id}\` runs the rest.`
    default:
      return `Job ${job.id} is ${job.state}: ${counts}.`
  }
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text
}
