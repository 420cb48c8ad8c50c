import { defineStore } from 'pinia'
import { ref } from 'vue'

export const views = ['pools', 'jobs', 'history', 'schedules', 'settings'] as const
export type View = (typeof views)[number] | 'job'

export interface CopyDraft {
  sources: string[]
}
export interface CommandDraft {
  folder?: string
  /** Opened with "Then…" on this job's page: its units are the inputs, and the new job follows it. */
  then?: number
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
    const hash = next === 'job' ? `#/jobs/${id}` : `#/${next}`
    if (typeof location !== 'undefined' && location.hash !== hash) history.pushState(null, '', hash)
  }
  /** Reads the address hash (at start and on back/forward). */
  function fromHash(hash: string): void {
    const [, first, second] = hash.split('/')
    if (first === 'jobs' && second && /^\d+$/.test(second)) {
      view.value = 'job'
      jobId.value = Number(second)
    } else if ((views as readonly string[]).includes(first ?? '')) {
      view.value = first as View
      jobId.value = null
    }
  }

  return {
    view,
    jobId,
    copyDraft,
    urlDraft,
    commandDraft,
    connected,
    tokenRefused,
    disconnectedAt,
    go,
    fromHash,
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
