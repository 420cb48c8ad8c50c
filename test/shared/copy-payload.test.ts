import { describe, expect, it } from 'vitest'
import type { CopyPayload } from '../../src/shared/kinds/copy'
import { copyPayloadOf, storedCopyPayload } from '../../src/shared/kinds/copy-payload'

describe("a copy unit's payload in the history", () => {
  it('is the mtime alone for a plain file of the first source, and reads back whole', () => {
    const plain: CopyPayload = { type: 'file', source: 0, mtime: 1796455135469 }
    expect(storedCopyPayload(plain)).toBe(1796455135469)
    expect(copyPayloadOf(storedCopyPayload(plain))).toEqual(plain)
    // What it saves per file, in the units' JSON text.
    expect(JSON.stringify(plain).length - String(plain.mtime).length).toBeGreaterThan(30)
  })

  it('stays an object when it says anything more, and older histories read as they were', () => {
    const kept: CopyPayload[] = [
      { type: 'file', source: 1, mtime: 5 },
      { type: 'file', source: 0, mtime: 5, replaces: 42 },
      { type: 'file', source: 0, mtime: 5, renameTo: 'a (2).txt' },
      { type: 'file', source: 0, problem: 'It cannot be read.' },
      { type: 'file', source: 0 },
      { type: 'link', source: 0 },
      { type: 'folder', source: 0, expect: 3 },
      { type: 'walk', source: 0 },
    ]
    for (const payload of kept) {
      expect(storedCopyPayload(payload)).toBe(payload)
      expect(copyPayloadOf(JSON.parse(JSON.stringify(payload)))).toEqual(payload)
    }
  })
})
