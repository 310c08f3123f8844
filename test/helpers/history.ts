// Seeded histories for the history/report tests and the benchmark: raw result rows inserted with
// SQL (no runs needed: results carry their own agent, target and time), plus independent
// statistics to check the database's figures against.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/db/port.js';
import { METRIC_NAMES, type Metrics } from '../../src/measurements/metrics.js';

export interface SeedResult {
  agentId: string;
  target: string;
  at: Date;
  kind?: string;
  status?: 'completed' | 'failed';
  metrics?: Metrics;
  inMaintenance?: boolean;
  error?: string | null;
  engine?: string;
}

const COLUMNS = ['run_id', 'agent_id', 'kind', 'target', 'status', 'measured_at', 'finished_at', 'error', ...METRIC_NAMES, 'method', 'in_maintenance'];

/** Inserts raw result rows in multi-row statements. */
export async function insertRawResults(db: Queryable, rows: SeedResult[], chunk = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const params: unknown[] = [];
    const tuples = part.map((r) => {
      const values = [
        randomUUID(),
        r.agentId,
        r.kind ?? 'speedtest',
        r.target,
        r.status ?? 'completed',
        r.at.toISOString(),
        new Date(r.at.getTime() + 10_000).toISOString(),
        r.error ?? (r.status === 'failed' ? 'connection refused' : null),
        ...METRIC_NAMES.map((m) => r.metrics?.[m] ?? null),
        JSON.stringify({ engine: r.engine ?? 'http' }),
        r.inMaintenance ?? false,
      ];
      const base = params.length;
      params.push(...values);
      return `(${values.map((_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    await db.query(`INSERT INTO results (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** A continuous percentile: linear interpolation between closest ranks (rank p·(n−1)). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = p * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export function stats(values: number[]) {
  if (values.length === 0) return { count: 0, avg: null, min: null, max: null, p50: null, p95: null };
  return {
    count: values.length,
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    p50: percentile(values, 0.5),
    p95: percentile(values, 0.95),
  };
}

export const close = (a: number | null | undefined, b: number | null | undefined, eps = 1e-9) =>
  (a === null || a === undefined) && (b === null || b === undefined) ? true : a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));
