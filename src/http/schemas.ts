import { Type, type TSchema } from 'typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'machine-readable code: bad_request, unauthorized, forbidden, not_found, conflict, too_many_requests, internal' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the offending field, for 400s' })),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'Error' },
);

const errorRef = Type.Ref('Error');

/** Response schemas for the usual error statuses of a route, for the OpenAPI document. */
export function withErrors<R extends Record<number, TSchema>>(responses: R, statuses: number[] = [400, 401, 403, 404]) {
  const out: Record<number, TSchema> = { ...responses };
  for (const status of statuses) out[status] ??= errorRef;
  return out as R;
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
