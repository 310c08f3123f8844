/**
 * Both adapters parse values the same way so that code above the port sees one set of types:
 * int8 (counts, ids) and numeric as JS numbers; timestamptz as Date; json/jsonb parsed.
 */
export const OID = { int8: 20, numeric: 1700 } as const;

export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

export const parseNumeric = (value: string): number => Number(value);
