import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { rememberJobsToResume, takeJobsToResume } from '../../../src/main/decisions/resume-on-start'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('jobs to resume on the next start', () => {
  it('remembers paused jobs once and forgets them when taken', () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-'))
    const file = join(dir, 'nested', 'resume.json')
    rememberJobsToResume(file, [4, 7, 4])
    expect(takeJobsToResume(file)).toEqual([4, 7])
    expect(takeJobsToResume(file)).toEqual([])
  })

  it('treats a missing or damaged file as nothing to resume', () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-'))
    expect(takeJobsToResume(join(dir, 'none.json'))).toEqual([])
    writeFileSync(join(dir, 'bad.json'), '{"jobIds": ["x"]}')
    expect(takeJobsToResume(join(dir, 'bad.json'))).toEqual([])
  })
})
