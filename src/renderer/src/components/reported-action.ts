import { useMessage } from 'naive-ui'

/** Runs a farm call from a button and says how it went: the done sentence, or the farm's one-sentence refusal. */
export function useReportedAction(): (action: () => Promise<unknown>, done: string) => Promise<void> {
  const message = useMessage()
  return async (action, done) => {
    try {
      await action()
      message.success(done)
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e))
    }
  }
}
