import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { PROTOCOL_SHAPES, REMOTE_PROTOCOL } from '../../src/remote/remote-protocol'
import { remoteShapes } from '../../src/remote/remote-schemas'

/** The hash of every remote schema's JSON Schema: what a host of another version would read differently. */
function shapeHash(): string {
  const schemas = Object.entries(remoteShapes).map(([name, schema]) => [
    name,
    z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }),
  ])
  return createHash('sha256').update(JSON.stringify(schemas)).digest('hex')
}

describe('the remote protocol version', () => {
  it('rises with every change of shape (the hash is pinned beside the number)', () => {
    const hash = shapeHash()
    const pinned = PROTOCOL_SHAPES[REMOTE_PROTOCOL]
    const advice =
      pinned === hash
        ? ''
        : `The remote protocol's shape changed (schemas in src/remote/remote-schemas.ts, job specs or the worker protocol): raise REMOTE_PROTOCOL to ${REMOTE_PROTOCOL + 1} and add "${REMOTE_PROTOCOL + 1}: '${hash}'" to PROTOCOL_SHAPES in src/remote/remote-protocol.ts (never edit an existing line).`
    expect(advice).toBe('')
  })

  it('never gives two versions the same shape, nor one version two', () => {
    const hashes = Object.values(PROTOCOL_SHAPES)
    expect(new Set(hashes).size).toBe(hashes.length)
    expect(Math.max(...Object.keys(PROTOCOL_SHAPES).map(Number))).toBe(REMOTE_PROTOCOL)
  })
})
