import { formatCount } from '../../../shared/format'

/**
 * What is wrong with a number typed into a bounded field, in one sentence; null when it fits. The
 * fields do not clamp (0 silently becoming 1 hides the mistake): they say it, and Start waits.
 */
export function rangeProblem(value: number | null | undefined, min: number, max: number): string | null {
  const range = `${formatCount(min)} to ${formatCount(max)}`
  if (value === null || value === undefined || Number.isNaN(value)) return `Give a number from ${range}.`
  if (!Number.isInteger(value)) return `Give a whole number from ${range}.`
  if (value < min || value > max) return `${formatCount(value)} is out of range: give ${range}.`
  return null
}

/** "Retries (0–10)": the range in the label, so it is known before a mistake. */
export const withRange = (caption: string, min: number, max: number): string =>
  `${caption} (${formatCount(min)}–${formatCount(max)})`
