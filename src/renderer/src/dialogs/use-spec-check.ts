import { computed, ref, watch, type Ref } from 'vue'
import type { ZodType } from 'zod'
import type { JobSpecInput } from '../../../shared/job-spec'
import { farmApi } from '../api/ui-api'

/**
 * Inline validation of a job spec as it is typed: the contract's own schema gives per-field
 * messages at once, then the engine's `jobs.check` (paths exist, destination not inside a
 * source…) gives its sentences shortly after typing stops.
 */
export function useSpecCheck<S extends JobSpecInput>(schema: ZodType, spec: Ref<S>, active: Ref<boolean>) {
  const problems = ref<string[]>([])
  const checking = ref(false)

  // A field's message waits until that field has been changed: an untouched field is not a mistake
  // yet, even when another one (a dropped source) was filled in for the person.
  const touched = ref(new Set<string>())
  let baseline: Record<string, string> = {}
  const snapshot = (value: S): Record<string, string> =>
    Object.fromEntries(Object.entries(value).map(([key, v]) => [key, JSON.stringify(v)]))
  watch(
    active,
    (open) => {
      touched.value = new Set()
      if (open) baseline = snapshot(spec.value)
    },
    { immediate: true },
  )
  watch(
    spec,
    (value) => {
      if (!active.value) return
      for (const [key, now] of Object.entries(snapshot(value)))
        if (now !== baseline[key] && !touched.value.has(key)) touched.value = new Set([...touched.value, key])
    },
    { deep: true },
  )

  const parsed = computed(() => schema.safeParse(spec.value))
  const fieldErrors = computed(() => {
    const errors: Record<string, string> = {}
    if (!parsed.value.success) {
      for (const issue of parsed.value.error.issues) {
        const field = String(issue.path[0] ?? '')
        if (touched.value.has(field)) errors[field] ??= issue.message
      }
    }
    return errors
  })

  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0
  watch(
    [spec, active],
    () => {
      clearTimeout(timer)
      if (!active.value || !parsed.value.success) {
        generation++
        checking.value = false
        return void (problems.value = [])
      }
      // Never rejects: the check's error becomes its problem.
      const check = async (): Promise<void> => {
        const mine = ++generation
        checking.value = true
        try {
          const result = await farmApi().call('jobs.check', { spec: spec.value })
          if (mine === generation) problems.value = result.problems
        } catch (e) {
          if (mine === generation) problems.value = [e instanceof Error ? e.message : String(e)]
        } finally {
          if (mine === generation) checking.value = false
        }
      }
      // The check is owed from this moment: Start stays off until it has answered, so a quick click
      // never sends a spec the engine has not looked at (and a slow machine cannot race it).
      generation++
      checking.value = true
      timer = setTimeout(() => void check(), 300)
    },
    { deep: true },
  )

  const ready = computed(() => parsed.value.success && problems.value.length === 0 && !checking.value)
  return { fieldErrors, problems, checking, ready }
}

/** Lines of a text area as a list, blank lines dropped. */
export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
