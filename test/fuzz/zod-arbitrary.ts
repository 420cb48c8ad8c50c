import fc from 'fast-check'
import type { z } from 'zod'

/**
 * fast-check arbitraries for valid values of a zod 4 schema, read from the schema's own definition
 * (`_zod.def`), so the fuzz suite follows the contract as it changes. Covers the kinds the contract
 * uses; an unknown kind fails loudly rather than fuzzing nothing.
 */
export function arbitraryFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = schema._zod.def as unknown as ZodDef
  switch (def.type) {
    case 'object': {
      const shape = def.shape!
      const required = Object.keys(shape).filter((key) => !isOptional(shape[key]!))
      const arbs = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, arbitraryFor(field)]))
      return fc.record(arbs, { requiredKeys: required })
    }
    case 'string': {
      const s = schema as unknown as { minLength: number | null; maxLength: number | null }
      return fc
        .string({ unit: 'grapheme', minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) })
        .filter((v) => schema.safeParse(v).success)
    }
    case 'number': {
      const n = schema as unknown as { minValue: number; maxValue: number; isInt: boolean }
      const min = Number.isFinite(n.minValue) ? n.minValue : -1e6
      const max = Number.isFinite(n.maxValue) ? n.maxValue : 1e6
      const base = n.isInt
        ? fc.oneof(
            fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
            fc.constantFrom(min, max),
          )
        : fc.double({ min, max, noNaN: true })
      return base.filter((v) => schema.safeParse(v).success)
    }
    case 'boolean':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!))
    case 'literal':
      return fc.constantFrom(...def.values!)
    case 'optional':
    case 'default':
      return fc.option(arbitraryFor(def.innerType!), { nil: undefined })
    case 'nullable':
      return fc.option(arbitraryFor(def.innerType!), { nil: null })
    case 'array': {
      const bounds = Object.fromEntries((def.checks ?? []).map((c) => [c._zod.def.check, c._zod.def]))
      const minLength = (bounds.min_length?.minimum as number | undefined) ?? 0
      const maxLength = Math.min((bounds.max_length?.maximum as number | undefined) ?? 4, 4)
      return fc.array(arbitraryFor(def.element!), { minLength, maxLength: Math.max(minLength, maxLength) })
    }
    case 'union':
      return fc.oneof(...def.options!.map(arbitraryFor))
    case 'record': {
      // zod 4: a record keyed by an enum needs every key.
      const keyDef = def.keyType!._zod.def as unknown as ZodDef
      if (keyDef.type === 'enum') {
        const value = arbitraryFor(def.valueType!)
        return fc.record(Object.fromEntries(Object.values(keyDef.entries!).map((key) => [key, value])))
      }
      const keys = arbitraryFor(def.keyType!) as fc.Arbitrary<string>
      return fc.dictionary(keys, arbitraryFor(def.valueType!), { maxKeys: 4 })
    }
    case 'unknown':
      return fc.jsonValue({ maxDepth: 2 })
    case 'lazy': // A schema built on first use (the job kinds' specs): its values are the built one's.
      return arbitraryFor(lazyInner(schema))
    default:
      throw new Error(`No arbitrary for zod type "${def.type}": teach test/fuzz/zod-arbitrary.ts about it.`)
  }
}

interface ZodDef {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  options?: z.ZodType[]
  keyType?: z.ZodType
  valueType?: z.ZodType
  entries?: Record<string, string>
  values?: unknown[]
  checks?: { _zod: { def: { check: string } & Record<string, unknown> } }[]
}

function isOptional(schema: z.ZodType): boolean {
  const type = (schema._zod.def as unknown as ZodDef).type
  if (type === 'lazy') return isOptional(lazyInner(schema))
  return type === 'optional' || type === 'default'
}

const lazyInner = (schema: z.ZodType): z.ZodType => (schema as unknown as z.ZodLazy<z.ZodType>).unwrap()

/** Every path to a field of a JSON-like value, for mutating one at a time. */
export function fieldPaths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key]
      out.push(path)
      fieldPaths(child, path, out)
    }
  }
  return out
}
