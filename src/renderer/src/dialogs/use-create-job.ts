import { ref } from 'vue'
import type { JobSpecInput } from '../../../shared/job-spec'
import { farmApi } from '../api/ui-api'
import { useUiStore } from '../stores/ui-store'

/** Makes the job, then shows it; the engine's refusal stays in the dialog as one sentence. */
export function useCreateJob() {
  const ui = useUiStore()
  const creating = ref(false)
  const createError = ref<string | null>(null)
  /** The job's own `--memfree` in MiB (the advanced section); null: the farm's setting. */
  const memfreeMiB = ref<number | null>(null)

  async function create(spec: JobSpecInput, priority: number, planOnly: boolean): Promise<void> {
    const memfree = memfreeMiB.value === null ? {} : { memfree: memfreeMiB.value * 1024 * 1024 }
    creating.value = true
    createError.value = null
    try {
      const { jobId } = await farmApi().call('jobs.create', { spec, options: { priority, planOnly, ...memfree } })
      ui.closeDialogs()
      ui.go('job', jobId)
    } catch (e) {
      createError.value = e instanceof Error ? e.message : String(e)
    } finally {
      creating.value = false
    }
  }
  return { creating, createError, create, memfreeMiB }
}
