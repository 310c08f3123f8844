import { Type, type TSchema } from 'typebox';

/**
 * A request field that may also be null. Written as a JSON-Schema type list, not anyOf with null:
 * the app's validator coerces types, and inside an anyOf it would turn "" or 0 into null instead
 * of refusing them.
 */
export function nullable<T>(schema: TSchema, description?: string) {
  const { type, ...rest } = schema as unknown as { type: string; [key: string]: unknown };
  return Type.Unsafe<T | null>({ ...rest, type: [type, 'null'], ...(description ? { description } : {}) });
}
