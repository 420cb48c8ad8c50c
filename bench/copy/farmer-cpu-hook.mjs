// Loaded with `node --import` into a task-farm CLI: at exit, writes to $TF_FARMER_CPU_FILE the CPU time
// that process alone (the farmer, not its workers) spent from its first worker's start, so the CLI's
// own start-up is left out, and its peak memory. Workers inherit the flag; they have an IPC channel
// and stay silent.
import childProcess from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

if (!process.send && process.env.TF_FARMER_CPU_FILE) {
  let from = null
  const fork = childProcess.fork
  childProcess.fork = (...args) => {
    from ??= process.cpuUsage()
    return fork(...args)
  }
  syncBuiltinESMExports()
  process.on('exit', () => {
    const { user, system } = process.cpuUsage(from ?? undefined)
    const rss = process.resourceUsage().maxRSS * 1024
    writeFileSync(process.env.TF_FARMER_CPU_FILE, JSON.stringify({ cpuMs: (user + system) / 1000, maxRss: rss }))
  })
}
