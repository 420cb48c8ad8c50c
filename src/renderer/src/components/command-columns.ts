import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import type { ItemRow } from '../../../shared/api-types'
import type { CommandResult } from '../../../shared/kinds/command'

/**
 * Results table columns of command and module jobs. A failed run keeps what it produced (exit code,
 * time, output) as its result, like a successful one; older histories have only the error text,
 * so the exit column reads it from there too.
 */
const result = (row: ItemRow): CommandResult | null =>
  row.result !== null && typeof row.result === 'object' && 'exitCode' in row.result
    ? (row.result as CommandResult)
    : null
const text = (value: string) => h('span', { class: 'cell', title: value }, value)
const firstLine = (value: string | null | undefined): string => (value ?? '').split('\n').find((l) => l.trim()) ?? ''

/** How the run ended, as a short word: `0`, `3`, `timeout`, `SIGKILL`. */
export function exitOf(row: ItemRow): string {
  const r = result(row)
  if (r) return r.timedOut ? 'timeout' : (r.signal ?? String(r.exitCode))
  const error = row.error ?? ''
  if (error.startsWith('timed out')) return 'timeout'
  return /^exit code (\d+)/.exec(error)?.[1] ?? /^killed by (\w+)/.exec(error)?.[1] ?? ''
}

/** A unit's stderr: the run's own excerpt, or the lines after a failure's first line. */
export function stderrOf(row: ItemRow): string {
  return result(row)?.stderr ?? (row.error ?? '').split('\n').slice(1).join('\n')
}

const byNumber = (f: (row: ItemRow) => number | undefined) => (a: ItemRow, b: ItemRow) => (f(a) ?? -1) - (f(b) ?? -1)

/** A unit's key (titled by its kind) and its state: the first columns of every kind's table. */
export function keyAndState(title = 'Input', width = 260): DataTableColumns<ItemRow> {
  return [
    {
      title,
      key: 'key',
      width,
      fixed: 'left',
      ellipsis: true,
      sorter: 'default',
      resizable: true,
      render: (row) => text(row.key),
    },
    {
      title: 'State',
      key: 'state',
      width: 90,
      sorter: 'default',
      render: (row) => h('span', { class: `item-state ${row.state}` }, row.state),
    },
  ]
}

export function commandColumns(): DataTableColumns<ItemRow> {
  return [
    ...keyAndState(),
    {
      title: 'Exit',
      key: 'exit',
      width: 80,
      sorter: (a, b) => exitOf(a).localeCompare(exitOf(b), undefined, { numeric: true }),
      render: (row) => exitOf(row),
    },
    {
      title: 'Duration',
      key: 'duration',
      width: 100,
      sorter: byNumber((row) => result(row)?.durationMs),
      render: (row) => (result(row) ? `${((result(row)!.durationMs ?? 0) / 1000).toFixed(2)} s` : '–'),
    },
    {
      title: 'Worker',
      key: 'worker',
      width: 90,
      sorter: byNumber((row) => result(row)?.worker),
      render: (row) => String(result(row)?.worker ?? '–'),
    },
    {
      title: 'Stdout',
      key: 'stdout',
      width: 240,
      ellipsis: true,
      render: (row) => text(firstLine(result(row)?.stdout)),
    },
    { title: 'Stderr', key: 'stderr', width: 240, ellipsis: true, render: (row) => text(firstLine(stderrOf(row))) },
    {
      title: 'Attempts',
      key: 'attempts',
      width: 90,
      sorter: 'default',
      render: (row) => String(result(row)?.attempts ?? row.attempts),
    },
  ]
}

export function moduleColumns(): DataTableColumns<ItemRow> {
  return [
    ...keyAndState(),
    {
      title: 'Result',
      key: 'result',
      width: 320,
      ellipsis: true,
      render: (row) => text(row.state === 'done' ? JSON.stringify(row.result) : ''),
    },
    { title: 'Error', key: 'error', width: 320, ellipsis: true, render: (row) => text(firstLine(row.error)) },
  ]
}
