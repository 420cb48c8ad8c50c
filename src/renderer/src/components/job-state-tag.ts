import { NTag } from 'naive-ui'
import { defineComponent, h, type PropType } from 'vue'
import type { JobState } from '../../../shared/job-state'

type TagType = 'default' | 'info' | 'success' | 'warning' | 'error' | 'primary'
const tagTypes: Record<JobState, TagType> = {
  waiting: 'default',
  queued: 'default',
  running: 'info',
  paused: 'warning',
  completed: 'success',
  'completed-with-errors': 'warning',
  failed: 'error',
  cancelled: 'default',
  interrupted: 'warning',
  'timed-out': 'warning',
  skipped: 'default',
}

export const JobStateTag = defineComponent({
  props: {
    state: { type: String as PropType<JobState>, required: true },
    planOnly: { type: Boolean, default: false },
    /** A cancel was accepted and its clean-up has not ended: the job is not over yet. */
    cancelling: { type: Boolean, default: false },
  },
  setup(props) {
    // A dry run that ended well is a plan to review, not a copy that "completed" having copied nothing.
    const planned = (): boolean =>
      props.planOnly && (props.state === 'completed' || props.state === 'completed-with-errors')
    return () =>
      h(
        NTag,
        {
          type: props.cancelling ? 'warning' : planned() ? 'info' : tagTypes[props.state],
          size: 'small',
          round: true,
          bordered: false,
          'data-state': props.state,
          'data-cancelling': props.cancelling ? 'true' : undefined,
        },
        () => (props.cancelling ? 'cancelling…' : planned() ? 'plan ready' : props.state.replace(/-/g, ' ')),
      )
  },
})
