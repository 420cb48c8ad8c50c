/**
 * A packed unit's parts in SQL. An item's `units` hold each unit as `[key, size, payload]`, or as its
 * key alone when it has neither size nor payload (see `shared/packed-unit.ts`).
 */

/** For an element of an item's units as `json_each` gives it (`je`): a key alone is a text element. */
export const eachUnitKey = (je: string): string => `iif(${je}.type = 'text', ${je}.value, ${je}.value ->> 0)`
export const eachUnitSize = (je: string): string => `iif(${je}.type = 'text', 0, ${je}.value ->> 1)`
/** A field of the unit's payload (`type`): null for a key alone. */
export const eachUnitPayloadField = (je: string, field: string): string =>
  `iif(${je}.type = 'text', NULL, ${je}.value ->> '$[2].${field}')`

/** For a unit as JSON text (`i.units -> n`): a key alone is a JSON string, which `->> 0` reads as null. */
export const jsonUnitKey = (unit: string): string => `coalesce(${unit} ->> 0, ${unit} ->> '$')`
export const jsonUnitSize = (unit: string): string => `coalesce(${unit} ->> 1, 0)`
