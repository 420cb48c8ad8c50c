import { describe, expect, it } from 'vitest'
import { unwritable } from '../../src/core/export-target'
import { renameRetrying } from '../../src/core/rename-retrying'

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code })

/** A rename that answers `answers` in turn (an error code, or null for done), and the waits between. */
function fake(answers: (string | null)[]) {
  const seen = { calls: 0, waits: [] as number[] }
  return {
    seen,
    rename: () => {
      const answer = answers[Math.min(seen.calls++, answers.length - 1)]
      if (answer) throw errno(answer)
    },
    wait: (ms: number) => void seen.waits.push(ms),
  }
}

describe('renaming over a file another program holds (the lock, an export)', () => {
  it('tries again while Windows answers EBUSY, with growing pauses', () => {
    const { seen, rename, wait } = fake(['EBUSY', 'EBUSY', null])
    renameRetrying('a.part', 'a', { windowsRules: true, rename, wait })
    expect(seen).toEqual({ calls: 3, waits: [10, 20] })
  })

  it('gives up after about a second, as a file held open, which an export says plainly', () => {
    const { seen, rename, wait } = fake(['EPERM'])
    let thrown: unknown
    try {
      renameRetrying('r.csv.part', 'C:\\out\\r.csv', { windowsRules: true, rename, wait })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'EBUSY' })
    expect(seen.waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000)
    expect(unwritable('C:\\out\\r.csv', thrown).message).toBe(
      'Cannot write C:\\out\\r.csv: another program holds it open (close it there and export again).',
    )
  })

  it('does not wait on other systems, where EACCES is a real refusal', () => {
    const { seen, rename, wait } = fake(['EACCES'])
    expect(() => renameRetrying('a.part', 'a', { windowsRules: false, rename, wait })).toThrow('EACCES')
    expect(seen.calls).toBe(1)
  })
})
