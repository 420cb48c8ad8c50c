import { describe, expect, it } from 'vitest'
import { quitChoice, quitPrompt, quitQuestionHasParent } from '../../../src/main/decisions/quit-decision'

describe('quit decision', () => {
  it('quits without asking when nothing runs', () => {
    expect(quitPrompt(0)).toBeNull()
    expect(quitChoice(0, null)).toBe('quit')
  })

  it('asks whether to pause or cancel running jobs, pausing by default', () => {
    const prompt = quitPrompt(2)
    expect(prompt?.message).toBe('2 jobs are still running.')
    expect(prompt?.buttons[prompt.defaultId]).toBe('Pause and quit')
    expect(prompt?.buttons[prompt.cancelId]).toBe('Keep running')
    expect(quitPrompt(1)?.message).toBe('1 job is still running.')
  })

  it('maps the answer to a choice; closing the dialog keeps the app running', () => {
    expect([0, 1, 2].map((r) => quitChoice(3, r))).toEqual(['pause', 'cancel', 'stay'])
    expect(quitChoice(3, null)).toBe('stay')
    expect(quitChoice(3, 7)).toBe('stay')
  })
})

describe('quitQuestionHasParent', () => {
  const shown = { destroyed: false, visible: true, minimized: false }

  it('hangs the question on the window only when the person can see it', () => {
    expect(quitQuestionHasParent(shown)).toBe(true)
  })

  it('asks without a parent when the window is hidden (macOS closes to the Dock), minimized or gone', () => {
    expect(quitQuestionHasParent({ ...shown, visible: false })).toBe(false)
    expect(quitQuestionHasParent({ ...shown, minimized: true })).toBe(false)
    expect(quitQuestionHasParent({ ...shown, destroyed: true })).toBe(false)
    expect(quitQuestionHasParent(null)).toBe(false)
  })
})
