/** Formatting shared by the CLI and the UI, so both say the same thing the same way. */
const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${byteUnits[unit]}`
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  const h = Math.floor(m / 60)
  return `${h}h${String(m % 60).padStart(2, '0')}m`
}

export function formatCount(n: number): string {
  // Whole numbers by hand: the first toLocaleString of a process loads ICU's locale data (~15 ms).
  if (Number.isSafeInteger(n)) return String(n).replace(/\B(?=(\d{3})+$)/g, ',')
  return n.toLocaleString('en-US')
}

export function formatRate(perSecond: number, unit: 'items' | 'bytes'): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–'
  return unit === 'bytes'
    ? `${formatBytes(perSecond)}/s`
    : `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, (done / total) * 100) : 0
}

/**
 * One way to write a moment everywhere: the date as the reader's locale writes it and a 24-hour
 * clock (the window once showed three formats for the same kind of time).
 */
export function formatWhen(at: number | null): string {
  if (at === null || !Number.isFinite(at)) return '–'
  const date = new Date(at)
  return `${date.toLocaleDateString(undefined, { dateStyle: 'medium' })} ${formatClock(at)}`
}

/** The time of day alone, 24-hour with seconds: log lines, timelines, "as of". */
export function formatClock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
}
