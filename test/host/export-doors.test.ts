import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { exportJob } from '../../src/core/export-job'
import { until } from '../support/test-farm'
import { startServedTestFarm, type ServedTestFarm } from './served-farm'

let served: ServedTestFarm
let jobId: number
beforeAll(async () => {
  served = await startServedTestFarm()
  jobId = await served.farm.create({ kind: 'probe', count: 5 }, {})
  await until(() => served.farm.summary(jobId).state === 'completed', 'the probe job')
})
afterAll(() => served.close())

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: served.host.port, path }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('exports write only where the user chose', () => {
  it('refuses the path form of jobs.export over the WebSocket and leaves the file alone', async () => {
    const home = join(served.dir.path, 'home')
    mkdirSync(home)
    const bashrc = join(home, '.bashrc')
    writeFileSync(bashrc, 'alias ll="ls -l"\n')
    const page = await served.connect()
    for (const path of [bashrc, join(home, 'results.csv')]) {
      const reply = await served.call(page, 'jobs.export', { jobId, format: 'csv', path, overwrite: true })
      expect(reply).toMatchObject({ ok: false, error: { user: true, code: 'local-only' } })
    }
    expect(readFileSync(bashrc, 'utf8')).toBe('alias ll="ls -l"\n')
    page.close()
  })

  it('still lets the page download an export', async () => {
    const response = await get(`/export?jobId=${jobId}&format=csv&token=${served.host.token}`)
    expect(response.status).toBe(200)
    expect(response.body.split('\n')[0]).toMatch(/key/)
  })

  it('lets the page download the units a filter finds, and refuses units.export with a path', async () => {
    const where = encodeURIComponent(`job=${jobId} state=done`)
    const response = await get(`/export?where=${where}&format=json&token=${served.host.token}`)
    expect(response.status).toBe(200)
    expect((JSON.parse(response.body) as { job: number; state: string }[]).map((u) => [u.job, u.state])).toEqual(
      Array.from({ length: 5 }, () => [jobId, 'done']),
    )
    const bad = await get(`/export?where=${encodeURIComponent('colour=red')}&format=csv&token=${served.host.token}`)
    expect(bad.status).toBe(400)
    expect(bad.body).toMatch(/^"colour" is not a unit filter/)
    const page = await served.connect()
    const path = join(served.dir.path, 'units.csv')
    const reply = await served.call(page, 'units.export', { filter: {}, format: 'csv', path })
    expect(reply).toMatchObject({ ok: false, error: { user: true, code: 'local-only' } })
    page.close()
  })

  it('answers malformed percent-encoding with 400 and logs no stack trace', async () => {
    const logged = vi.spyOn(console, 'error')
    const response = await get(`/%E0%A4%A?token=${served.host.token}`)
    expect(response.status).toBe(400)
    expect(response.body).toMatch(/malformed/)
    expect(logged).not.toHaveBeenCalled()
    logged.mockRestore()
  })
})

describe('exportJob says a user mistake in one sentence', () => {
  const oneSentence = /^[^\n]+\.$/
  const attempt = (file: string, options = {}) => exportJob(served.farm.store, jobId, 'csv', file, options)

  it('refuses NUL bytes, folders, missing folders and wrong extensions', async () => {
    const cases: [string, RegExp][] = [
      [join(served.dir.path, 'a\0b.csv'), /NUL/],
      [join(served.dir.path, 'folder.csv'), /is a folder/],
      [join(served.dir.path, 'missing', 'x.csv'), /folder does not exist/],
      [join(served.dir.path, 'x.json'), /needs a \.csv file name/],
    ]
    mkdirSync(join(served.dir.path, 'folder.csv'))
    for (const [file, message] of cases) {
      const error = await attempt(file).catch((e: unknown) => e as Error & { code?: string })
      expect(error, file).toMatchObject({ name: 'UserError', message: expect.stringMatching(message) })
      expect((error as Error).message).toMatch(oneSentence)
    }
  })

  it('replaces only its own earlier export of the same job unless told to overwrite', async () => {
    const mine = join(served.dir.path, 'mine.csv')
    await attempt(mine)
    await expect(attempt(mine)).resolves.toMatchObject({ rows: 5 })
    const other = join(served.dir.path, 'other.csv')
    writeFileSync(other, 'precious\n')
    await expect(attempt(other)).rejects.toThrow(/already exists and is not an earlier export of job/)
    expect(readFileSync(other, 'utf8')).toBe('precious\n')
    await expect(attempt(other, { overwrite: true })).resolves.toMatchObject({ rows: 5 })
    // A user's edit makes the file theirs again.
    writeFileSync(mine, 'edited by hand, longer than before\n')
    await expect(attempt(mine)).rejects.toThrow(/already exists/)
  })
})

describe('the window folder', () => {
  it('never serves a file through a symbolic link that leads out of it', async () => {
    const secret = join(served.dir.path, 'secret.txt')
    writeFileSync(secret, 'not for the page')
    symlinkSync(secret, join(served.dir.path, 'renderer', 'leak.txt'))
    expect((await get(`/leak.txt?token=${served.host.token}`)).status).toBe(404)
    expect((await get(`/index.html?token=${served.host.token}`)).status).toBe(200)
  })
})
