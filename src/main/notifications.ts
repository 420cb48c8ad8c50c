import { Notification } from 'electron'
import { NotificationBatcher, type JobNotification } from './decisions/notification-batch'
import { timerSchedule as schedule } from '../core/schedule'

/**
 * Desktop notifications for ended jobs, batched when several end together. Kept referenced until
 * closed: a garbage-collected Notification loses its click handler. When the OS will not show
 * one (no notification service; macOS drops those of an unsigned app and says so with `failed`),
 * `fallback` tells the window instead, so the news is not lost.
 */
export function createJobNotifier(options: {
  enabled: () => boolean
  icon: string
  open: (jobId: number | null) => void
  fallback: (message: JobNotification) => void
}): NotificationBatcher {
  const live = new Set<Notification>()
  const show = (message: JobNotification): void => {
    if (!Notification.isSupported()) return options.fallback(message)
    const notification = new Notification({ title: message.title, body: message.body, icon: options.icon })
    live.add(notification)
    notification.on('click', () => options.open(message.jobId))
    notification.on('close', () => live.delete(notification))
    notification.on('failed', () => {
      live.delete(notification)
      options.fallback(message)
    })
    notification.show()
  }
  return new NotificationBatcher({ show, enabled: options.enabled, schedule })
}
