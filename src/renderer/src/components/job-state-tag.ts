import { NTag } from 'naive-ui'
import { defineComponent, h, type PropType } from 'vue'
import type { JobState } from '../../../shared/job-state'

type TagType = 'default' | 'info' | 'success' | 'warning' | 'error' | 'primary'
const tagTypes: Record<JobState, TagType> = {
  queued: 'default',
  running: 'info',
  paused: 'warning',
  completed: 'success',
  'completed-with-errors': 'warning',
  failed: 'error',
  cancelled: 'default',
  interrupted: 'warning',
  'timed-out': 'warning',
}

export const JobStateTag = defineComponent({
  props: { state: { type: String as PropType<JobState>, required: true } },
  setup(props) {
    return () =>
      h(
        NTag,
        { type: tagTypes[props.state], size: 'small', round: true, bordered: false, 'data-state': props.state },
        () => props.state.replace(/-/g, ' '),
      )
  },
})
