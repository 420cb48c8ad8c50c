import { reactive, ref } from 'vue'
import type { JobOptions, JobSpecInput } from '../../../shared/job-spec'
import { farmApi } from '../api/ui-api'
import { useUiStore } from '../stores/ui-store'
import { emptyFollowUps, endActionsFrom, ruleFrom } from './follow-up-form'

/**
 * Makes the job, then shows it (or its schedule, when it starts later or again); the engine's refusal
 * stays in the dialog as one sentence.
 */
export function useCreateJob() {
  const ui = useUiStore()
  const creating = ref(false)
  const createError = ref<string | null>(null)
  const followUps = reactive(emptyFollowUps())
  /** The job's own `--memfree` in MiB (the advanced section); null: the farm's setting. */
  const memfreeMiB = ref<number | null>(null)

  async function create(
    spec: JobSpecInput,
    priority: number,
    planOnly: boolean,
    after: JobOptions['after'] = [],
  ): Promise<void> {
    creating.value = true
    createError.value = null
    try {
      const { rule, problem } = ruleFrom(followUps)
      if (problem) throw new Error(problem)
      const options = {
        priority,
        planOnly,
        then: endActionsFrom(followUps),
        ...(after.length ? { after } : {}),
        ...(memfreeMiB.value === null ? {} : { memfree: memfreeMiB.value * 1024 * 1024 }),
      }
      if (rule) {
        await farmApi().call('schedules.create', { spec, options, rule })
        ui.closeDialogs()
        return ui.go('schedules')
      }
      const { jobId } = await farmApi().call('jobs.create', { spec, options })
      ui.closeDialogs()
      ui.go('job', jobId)
    } catch (e) {
      createError.value = e instanceof Error ? e.message : String(e)
    } finally {
      creating.value = false
    }
  }
  return { creating, createError, create, followUps, memfreeMiB }
}
