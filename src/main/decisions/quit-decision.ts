/** What to do with running jobs when the person quits. */
export type QuitChoice = 'quit' | 'pause' | 'cancel' | 'stay'

export interface QuitPrompt {
  message: string
  detail: string
  buttons: string[]
  defaultId: number
  cancelId: number
}

const buttons = ['Pause and quit', 'Cancel jobs and quit', 'Keep running'] as const
const choices: readonly QuitChoice[] = ['pause', 'cancel', 'stay']

/** Null when nothing is running: quit at once, no question. */
export function quitPrompt(activeJobs: number): QuitPrompt | null {
  if (activeJobs <= 0) return null
  const jobs = activeJobs === 1 ? '1 job is' : `${activeJobs} jobs are`
  return {
    message: `${jobs} still running.`,
    detail:
      'Pause: they stop now and carry on where they stopped the next time Task Farm starts.\n' +
      'Cancel: they stop for good; items already done stay done.',
    buttons: [...buttons],
    defaultId: 0,
    cancelId: 2,
  }
}

/** The dialog's answer (button index) as a choice; closing the dialog keeps the app running. */
export function quitChoice(activeJobs: number, response: number | null): QuitChoice {
  if (activeJobs <= 0) return 'quit'
  return choices[response ?? 2] ?? 'stay'
}

/** What the shell knows of its window when it asks. */
export interface WindowFacts {
  destroyed: boolean
  visible: boolean
  minimized: boolean
}

/**
 * Whether the quit question may hang on the window. The promise form of `dialog.showMessageBox`
 * with a parent is a sheet on macOS: on a hidden or minimized window nobody sees it and Quit
 * waits forever. Then it is asked without a parent, as an app-modal box that always shows.
 */
export function quitQuestionHasParent(window: WindowFacts | null): boolean {
  return window !== null && !window.destroyed && window.visible && !window.minimized
}
