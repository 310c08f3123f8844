/** A row as the driver returns it: int8 and numeric as numbers, timestamptz as Date, jsonb parsed. */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** One parameterised statement ($1, $2…). */
  query<R extends object = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The storage port. Everything above it speaks PostgreSQL SQL and never knows whether it talks
 * to PGlite (embedded) or a PostgreSQL server (distributed). DESIGN §2.
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL error codes the code above the port branches on. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (error: unknown) => pgErrorCode(error) === PgErrorCode.uniqueViolation;
