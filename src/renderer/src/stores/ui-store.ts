import { defineStore } from 'pinia'
import { ref } from 'vue'

export const views = ['pools', 'jobs', 'history', 'units', 'schedules', 'settings'] as const
export type View = (typeof views)[number] | 'job' | 'diff'

export interface CopyDraft {
  sources: string[]
}
export interface CommandDraft {
  folder?: string
  /** Opened with "Then…" on this job's page: its units are the inputs, and the new job follows it. */
  then?: number
  /** Input lines, one per line (the keys of units found in the Units view). */
  inputs?: string
}
export interface UrlDraft {
  path?: string
  text?: string
  then?: number
}

/**
 * Where the window is (kept in the address hash, so reload and back work) and which dialog is
 * open with what it was opened with (a drop prefills them).
 */
export const useUiStore = defineStore('ui', () => {
  const view = ref<View>('jobs')
  const jobId = ref<number | null>(null)
  /** The Units view's filter, as text (`kind=urls state=failed`): kept in the address, `#/units/<it>`. */
  const unitsWhere = ref('')
  /** The two jobs the diff view compares: the earlier one first. */
  const diffPair = ref<[number, number] | null>(null)
  const copyDraft = ref<CopyDraft | null>(null)
  const urlDraft = ref<UrlDraft | null>(null)
  const commandDraft = ref<CommandDraft | null>(null)
  const connected = ref(true)
  /** While disconnected: the farm answers but refused this page's token (it restarted). */
  const tokenRefused = ref(false)
  /** When the link last dropped: the figures on screen are as of then. */
  const disconnectedAt = ref<number | null>(null)

  function go(next: View, id: number | null = null): void {
    view.value = next
    jobId.value = next === 'job' ? id : null
    const pair = diffPair.value
    const hash =
      next === 'job'
        ? `#/jobs/${id}`
        : next === 'diff' && pair
          ? `#/diff/${pair[0]}/${pair[1]}`
          : next === 'units' && unitsWhere.value
            ? `#/units/${encodeURIComponent(unitsWhere.value)}`
            : `#/${next}`
    if (typeof location !== 'undefined' && location.hash !== hash) history.pushState(null, '', hash)
  }
  /** Reads the address hash (at start and on back/forward). */
  function fromHash(hash: string): void {
    const [, first, second, third] = hash.split('/')
    if (first === 'diff' && /^\d+$/.test(second ?? '') && /^\d+$/.test(third ?? '')) {
      diffPair.value = [Number(second), Number(third)]
      view.value = 'diff'
      jobId.value = null
    } else if (first === 'jobs' && second && /^\d+$/.test(second)) {
      view.value = 'job'
      jobId.value = Number(second)
    } else if (first === 'units') {
      view.value = 'units'
      jobId.value = null
      unitsWhere.value = second ? safeDecode(second) : ''
    } else if ((views as readonly string[]).includes(first ?? '')) {
      view.value = first as View
      jobId.value = null
    }
  }

  /** Shows the units a filter finds (a job page's groups link here). */
  function showUnits(where: string): void {
    unitsWhere.value = where
    go('units')
  }

  return {
    view,
    jobId,
    unitsWhere,
    showUnits,
    copyDraft,
    urlDraft,
    commandDraft,
    connected,
    tokenRefused,
    disconnectedAt,
    diffPair,
    go,
    fromHash,
    /** Shows what changed between two jobs of one kind, the older one first. */
    compare: (a: number, b: number) => {
      diffPair.value = a < b ? [a, b] : [b, a]
      go('diff')
    },
    openCopy: (draft: CopyDraft = { sources: [] }) => (copyDraft.value = draft),
    openUrls: (draft: UrlDraft = {}) => (urlDraft.value = draft),
    openCommand: (draft: CommandDraft = {}) => (commandDraft.value = draft),
    closeDialogs: () => {
      copyDraft.value = null
      urlDraft.value = null
      commandDraft.value = null
    },
  }
})

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return ''
  }
}
