import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ScheduleInfo } from '../../../shared/schedules'
import { farmApi } from '../api/ui-api'

/** The history's schedules, kept current by `schedule.updated` and `schedule.removed`. */
export const useSchedulesStore = defineStore('schedules', () => {
  const byId = ref<Record<number, ScheduleInfo>>({})
  const schedules = computed(() => Object.values(byId.value).sort((a, b) => a.id - b.id))

  async function refresh(): Promise<void> {
    const { schedules: list } = await farmApi().call('schedules.list', {})
    byId.value = Object.fromEntries(list.map((s) => [s.id, s]))
  }
  function apply(schedule: ScheduleInfo): void {
    byId.value[schedule.id] = schedule
  }
  function forget(id: number): void {
    delete byId.value[id]
  }
  const act = (channel: 'schedules.pause' | 'schedules.resume' | 'schedules.remove') => (scheduleId: number) =>
    farmApi().call(channel, { scheduleId })

  return {
    byId,
    schedules,
    refresh,
    apply,
    forget,
    pause: act('schedules.pause'),
    resume: act('schedules.resume'),
    remove: act('schedules.remove'),
  }
})
