import { onMounted, ref, type Ref } from 'vue'

/**
 * True from the frame after the component first painted: what is below the fold (cards, charts)
 * mounts in a task of its own instead of lengthening the one that shows the view.
 */
export function useAfterPaint(): Ref<boolean> {
  const painted = ref(false)
  onMounted(() => requestAnimationFrame(() => setTimeout(() => (painted.value = true), 0)))
  return painted
}
