import { ref, watch, type Ref } from 'vue'
import { farmApi } from '../api/ui-api'

/**
 * Each typed source folder looked up on its own, shortly after typing stops: a missing source is said
 * at once, not only once the whole form (a destination too) is complete enough for the engine's check.
 */
export function useSourceCheck(sources: Ref<string[]>, active: Ref<boolean>) {
  const sourceProblems = ref<string[]>([])
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0
  watch(
    [sources, active],
    () => {
      clearTimeout(timer)
      const mine = ++generation
      const paths = sources.value.map((s) => s.trim()).filter(Boolean)
      if (!active.value || paths.length === 0) return void (sourceProblems.value = [])
      // Never rejects: every look's error is caught into its problem.
      const look = async (): Promise<void> => {
        const problems = await Promise.all(
          paths.map((path) =>
            farmApi()
              .call('fs.list', { path })
              .then(
                () => null,
                (e: unknown) => (e instanceof Error ? e.message : String(e)),
              ),
          ),
        )
        if (mine === generation) sourceProblems.value = problems.filter((p): p is string => p !== null)
      }
      timer = setTimeout(() => void look(), 300)
    },
    { deep: true },
  )
  return { sourceProblems }
}
