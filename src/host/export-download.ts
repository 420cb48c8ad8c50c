import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { parseWhere } from '../shared/unit-filter-text'
import { isUserError } from '../shared/user-error'
import type { ApiHandlers } from '../core/api-handlers'

/**
 * `GET /export?jobId=N&format=csv|json` (or `?where=<unit filter>`: the units a search found): a browser cannot be handed a path on this machine, so the
 * host has the farm write the export to a temporary file of its own and streams it back as a
 * download: the browser, not the page, decides where it lands.
 */
export async function sendExport(url: URL, response: ServerResponse, api: ApiHandlers): Promise<void> {
  const jobId = Number(url.searchParams.get('jobId'))
  const where = url.searchParams.get('where')
  const format = url.searchParams.get('format') === 'json' ? 'json' : 'csv'
  const dir = await mkdtemp(join(tmpdir(), 'task-farm-export-'))
  const name = where === null ? `job-${jobId}` : 'units'
  const path = join(dir, `${name}.${format}`)
  try {
    // The host chose this path itself, so it asks through the local door.
    if (where === null) await api.handle('jobs.export', { jobId, format, path }, 'local')
    else await api.handle('units.export', { filter: parseWhere(where), format, path }, 'local')
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    const status = isUserError(error) ? 400 : 500
    const message = isUserError(error) ? error.message : 'The export failed; see the host log.'
    if (!isUserError(error)) console.error('task-farm serve: export failed:', error)
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message)
    return
  }
  response.writeHead(200, {
    'Content-Type': format === 'json' ? 'application/json' : 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="task-farm-${name}.${format}"`,
  })
  // pipeline, not pipe: a client that leaves mid-download must still close the file and free the folder.
  await pipeline(createReadStream(path), response)
    .catch(() => undefined)
    .finally(() => rm(dir, { recursive: true, force: true }))
}
