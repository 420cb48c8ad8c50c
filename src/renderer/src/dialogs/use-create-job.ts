import { ref } from 'vue'
import type { JobOptions, JobSpecInput } from '../../../shared/job-spec'
import { farmApi } from '../api/ui-api'
import { useUiStore } from '../stores/ui-store'

/** Makes the job, then shows it; the engine's refusal stays in the dialog as one sentence. */
export function useCreateJob() {
  const ui = useUiStore()
  const creating = ref(false)
  const createError = ref<string | null>(null)

  async function create(
    spec: JobSpecInput,
    priority: number,
    planOnly: boolean,
    after: JobOptions['after'] = [],
  ): Promise<void> {
    creating.value = true
    createError.value = null
    try {
      const options = { priority, planOnly, ...(after.length ? { after } : {}) }
      const { jobId } = await farmApi().call('jobs.create', { spec, options })
      ui.closeDialogs()
      ui.go('job', jobId)
    } catch (e) {
      createError.value = e instanceof Error ? e.message : String(e)
    } finally {
      creating.value = false
    }
  }
  return { creating, createError, create }
}
