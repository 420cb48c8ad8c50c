import type uPlot from 'uplot'

/** Colours of the charts in each theme: axes and labels with enough contrast, series told apart. */
export interface ChartColors {
  text: string
  grid: string
  series: string[]
  band: string
}
export const chartColors = (dark: boolean): ChartColors =>
  dark
    ? {
        text: '#cbd5e1',
        grid: 'rgba(148, 163, 184, 0.18)',
        series: ['#2dd4a0', '#60a5fa', '#fbbf24', '#f472b6', '#a78bfa', '#f87171', '#34d399', '#fb923c'],
        band: 'rgba(45, 212, 160, 0.16)',
      }
    : {
        text: '#334155',
        grid: 'rgba(100, 116, 139, 0.18)',
        series: ['#0f9d76', '#2563eb', '#b45309', '#db2777', '#7c3aed', '#dc2626', '#047857', '#c2410c'],
        band: 'rgba(15, 157, 118, 0.14)',
      }

/** Colours of a breakdown's groups: success greens, redirect blues, client/server errors, the rest grey. */
export function groupColor(group: string, dark: boolean): string {
  const light: Record<string, string> = {
    '2xx': '#15803d',
    copied: '#15803d',
    done: '#15803d',
    '3xx': '#2563eb',
    renamed: '#2563eb',
    '4xx': '#b45309',
    skipped: '#64748b',
    '5xx': '#dc2626',
    failed: '#b91c1c',
    pending: '#94a3b8',
  }
  const darkColors: Record<string, string> = {
    '2xx': '#4ade80',
    copied: '#4ade80',
    done: '#4ade80',
    '3xx': '#60a5fa',
    renamed: '#60a5fa',
    '4xx': '#fbbf24',
    skipped: '#94a3b8',
    '5xx': '#f87171',
    failed: '#fca5a5',
    pending: '#475569',
  }
  return (dark ? darkColors : light)[group] ?? (dark ? '#c084fc' : '#7e22ce')
}

/** An axis in the theme's colours. */
export function themedAxis(colors: ChartColors, axis: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: '11px system-ui, sans-serif',
    ...axis,
  }
}

/** A time axis (ms) labelled with the clock, a label every ~90 px; no date line under it. */
export function timeAxis(colors: ChartColors): uPlot.Axis {
  return themedAxis(colors, {
    space: 90,
    // Never finer than a second: the labels name seconds.
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000),
    values: (_u, ticks) =>
      ticks.map((t) =>
        new Date(t).toLocaleTimeString(undefined, {
          hour12: false,
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        }),
      ),
  })
}

/** Whole-number ticks for counts (jobs, URLs): never 2.5 of anything. */
export const countIncrements = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000]
