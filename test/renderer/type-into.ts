import { nextTick } from 'vue'

/** Types into the field `selector` names (an input or textarea itself), as a person's input event would. */
export async function typeInto(selector: string, value: string): Promise<void> {
  const input = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!
  input.value = value
  input.dispatchEvent(new Event('input'))
  await nextTick()
}
