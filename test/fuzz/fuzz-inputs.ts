import fc from 'fast-check'
import type { z } from 'zod'
import { arbitraryFor, fieldPaths } from './zod-arbitrary'

/** What a fuzz case sends: a contract call, or (for transports with frames) a raw frame. */
export type FuzzInput =
  | { kind: 'valid' | 'near-valid' | 'garbage'; call: { channel: string; request: unknown } }
  | { kind: 'frame'; frame: string | Uint8Array; binary: boolean }

/** The frame limit of the web host, for oversize frames. */
const oversize = 4 * 1024 * 1024 + 1

/** Values that are wrong for almost any field: other types, extremes, huge, deeply nested. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0,
    '',
    'x',
    [],
    {},
    1e308,
    -1e308,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.constantFrom('x'.repeat(100_000), '\0', '../../../../etc/passwd', '%E0%A4%A', '\u202e\ud800', 'constructor'),
  fc.constant(Array.from({ length: 10_000 }, () => 0)),
  fc.integer({ min: 50, max: 400 }).map(nested),
  protoObject(),
  fc.jsonValue({ maxDepth: 3 }),
)

function nested(depth: number): unknown {
  let value: unknown = 'deep'
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

/** An object with own `__proto__`/`constructor`/`prototype` keys, as JSON.parse makes them. */
function protoObject(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .constantFrom('__proto__', 'constructor', 'prototype')
    .map((key) => JSON.parse(`{"${key}": {"polluted": true, "toString": 1}}`) as Record<string, unknown>)
}

type Mutation = 'missing' | 'wrong' | 'proto'

/** Copies `request` with one field (or the root) deleted, replaced by `value`, or given prototype keys. */
function mutate(request: unknown, pick: number, how: Mutation, value: unknown): unknown {
  const copy = cloneJsonish(request)
  const paths = fieldPaths(copy)
  if (paths.length === 0) return how === 'proto' ? Object.assign(protoFields(), copy) : value
  const path = paths[pick % paths.length]!
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>(
      (o, k) => o[k] as Record<string | number, unknown>,
      copy as Record<string, unknown>,
    )
  const key = path.at(-1)!
  if (how === 'missing') delete parent[key]
  else if (how === 'wrong') parent[key] = value
  else Object.assign(parent, protoFields())
  return copy
}

function protoFields(): Record<string, unknown> {
  return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as Record<
    string,
    unknown
  >
}

/** A deep copy that keeps own `__proto__` keys (JSON.parse defines them as plain properties). */
function cloneJsonish(value: unknown): unknown {
  if (value === undefined) return undefined
  try {
    return JSON.parse(JSON.stringify(value)) as unknown
  } catch {
    return value
  }
}

/** Valid requests, near-valid ones and garbage for `channels`, and raw frames when the transport has them. */
export function fuzzInputs(channels: Record<string, z.ZodType>, withFrames: boolean): fc.Arbitrary<FuzzInput> {
  const names = Object.keys(channels)
  const valid = fc.oneof(
    ...names.map((channel) => arbitraryFor(channels[channel]!).map((request) => ({ channel, request }))),
  )
  const validInput = valid.map((call): FuzzInput => ({ kind: 'valid', call }))
  const nearValid = fc
    .tuple(valid, fc.nat(), fc.constantFrom<Mutation>('missing', 'wrong', 'wrong', 'proto'), hostileValue)
    .map(([call, pick, how, value]): FuzzInput => ({
      kind: 'near-valid',
      call: { channel: call.channel, request: mutate(call.request, pick, how, value) },
    }))
  const garbage = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...names),
        fc.string(),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'fs.delete', ''),
      ),
      fc.oneof(fc.anything({ maxDepth: 3 }), hostileValue),
    )
    .map(([channel, request]): FuzzInput => ({ kind: 'garbage', call: { channel, request } }))
  const frames = fc.oneof(
    {
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 200 })
        .map((frame): FuzzInput => ({ kind: 'frame', frame, binary: false })),
      weight: 5,
    },
    {
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((v): FuzzInput => ({ kind: 'frame', frame: JSON.stringify(v) ?? 'null', binary: false })),
      weight: 5,
    },
    {
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((frame): FuzzInput => ({ kind: 'frame', frame, binary: true })),
      weight: 3,
    },
    {
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): FuzzInput => ({
        kind: 'frame',
        frame: Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, ...bytes, 0x22, 0x7d]),
        binary: false,
      })),
      weight: 3,
    },
    {
      arbitrary: fc.constant<FuzzInput>({
        kind: 'frame',
        frame: `{"id":1,"channel":"jobs.list","request":"${'x'.repeat(oversize)}"}`,
        binary: false,
      }),
      weight: 1,
    },
  )
  const arms: fc.WeightedArbitrary<FuzzInput>[] = [
    { arbitrary: validInput, weight: 35 },
    { arbitrary: nearValid, weight: 45 },
    { arbitrary: garbage, weight: withFrames ? 10 : 20 },
  ]
  if (withFrames) arms.push({ arbitrary: frames, weight: 10 })
  return fc.oneof(...arms)
}
