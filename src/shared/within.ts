/**
 * `promise`'s value, or `late` once `ms` have passed without it, whichever comes first; the timer is
 * cleared either way (a leftover one would hold a process that is leaving). For waits that must end:
 * a worker that should stop, a Redis that may be gone.
 */
export function within<T>(promise: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
