import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { JobDetail } from '../../../shared/api-types'
import type { JobSpecInput } from '../../../shared/job-spec'
import { hasEnded } from '../../../shared/job-state'
import { farmApi } from '../api/ui-api'

/**
 * A dry run kept in the dialog: the plan-only job is made, followed until it ends, and its plan shown
 * for review. A change to the form drops the review: it no longer describes what Start would do.
 */
export function useDryRun(spec: Ref<JobSpecInput>) {
  const planning = ref(false)
  const plan = ref<JobDetail | null>(null)
  const planError = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  function reset(): void {
    clearTimeout(timer)
    generation++
    planning.value = false
    plan.value = null
    planError.value = null
  }
  watch(spec, reset, { deep: true })
  onBeforeUnmount(reset)

  async function dryRun(priority: number): Promise<void> {
    reset()
    const mine = generation
    planning.value = true
    try {
      const { jobId } = await farmApi().call('jobs.create', { spec: spec.value, options: { priority, planOnly: true } })
      const follow = async (): Promise<void> => {
        if (mine !== generation) return
        const detail = await farmApi().call('jobs.get', { jobId })
        if (mine !== generation) return
        if (!hasEnded(detail.state)) return void (timer = setTimeout(() => void follow().catch(fail), 250))
        planning.value = false
        if (detail.state === 'completed' || detail.state === 'completed-with-errors') plan.value = detail
        else planError.value = detail.error ?? `The plan ended ${detail.state}.`
      }
      const fail = (e: unknown): void => {
        if (mine !== generation) return
        planning.value = false
        planError.value = e instanceof Error ? e.message : String(e)
      }
      await follow().catch(fail)
    } catch (e) {
      planning.value = false
      planError.value = e instanceof Error ? e.message : String(e)
    }
  }
  return { planning, plan, planError, dryRun, reset }
}
