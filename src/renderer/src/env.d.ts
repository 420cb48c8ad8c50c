import type { UiApi } from './api/ui-api'

declare global {
  interface Window {
    /** Given by the Electron preload; absent in a plain browser. */
    taskFarm?: UiApi
  }
}
