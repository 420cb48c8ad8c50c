import { describe, expect, it } from 'vitest'
import { describeError } from '../../../../src/workers/kinds/copy/errors'

const refused = (code: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: operation not permitted, open '${path}'`), { code, path })

describe('macOS privacy refusals (TCC), told apart from plain permissions', () => {
  const home = '/Users/me'

  it('names EPERM in a guarded folder or on another volume as privacy protection, pointing at Privacy & Security, not retried', () => {
    for (const path of [
      '/Users/me/Desktop/report.pdf',
      '/Users/me/Documents',
      '/Users/me/Downloads/a/b.zip',
      '/Users/me/Library/Mobile Documents/com~apple~CloudDocs/x.txt',
      '/Volumes/USB STICK/DCIM/1.jpg',
    ]) {
      const failure = describeError(refused('EPERM', path), 'source', 'darwin', home)
      expect(failure, path).toMatchObject({ code: 'privacy-refused', retryable: false })
      expect(failure.message).toContain('Privacy & Security')
      expect(failure.message).toContain(path)
    }
    expect(describeError(refused('EPERM', '/Users/me/Desktop/out'), 'destination', 'darwin', home).code).toBe(
      'privacy-refused',
    )
  })

  it('keeps plain permission errors as they were: EACCES, EPERM elsewhere, and any EPERM off macOS', () => {
    const plain = { code: 'permission-denied', retryable: true }
    expect(describeError(refused('EACCES', '/Users/me/Desktop/a'), 'source', 'darwin', home)).toMatchObject(plain)
    expect(describeError(refused('EPERM', '/Users/me/src/a'), 'source', 'darwin', home)).toMatchObject(plain)
    expect(describeError(refused('EPERM', '/Users/me/Desktopper/a'), 'source', 'darwin', home)).toMatchObject(plain)
    expect(describeError(refused('EPERM', '/home/me/Desktop/a'), 'source', 'linux', '/home/me')).toMatchObject(plain)
  })
})
