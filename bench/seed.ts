// Seeds an installation with SQL: agents with known credentials, and runs waiting for results.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../src/auth/secrets.js';
import type { Database } from '../src/db/port.js';
import type { SimAgent } from './sim-protocol.js';

/** `count` agents named BENCH-00001…, each with a fresh credential. */
export async function seedAgents(db: Database, count: number): Promise<(SimAgent & { id: string })[]> {
  const out: (SimAgent & { id: string })[] = [];
  for (let from = 0; from < count; from += 2000) {
    const batch = Array.from({ length: Math.min(2000, count - from) }, (_, i) => {
      const index = from + i;
      return { index, name: `BENCH-${String(index).padStart(5, '0')}`, credential: `fsa_bench${index}_${randomBytes(18).toString('base64url')}` };
    });
    const rows = await db.query<{ id: string; name: string }>(
      `INSERT INTO agents (name, location, credential_hash)
       SELECT n, 'Bench Lab', h FROM unnest($1::text[], $2::text[]) AS t(n, h) RETURNING id, name`,
      [batch.map((a) => a.name), batch.map((a) => sha256Hex(a.credential))],
    );
    const ids = new Map(rows.map((r) => [r.name, r.id]));
    for (const a of batch) out.push({ ...a, id: ids.get(a.name)! });
  }
  return out;
}

/**
 * `perAgent` probe runs per agent, already `running` (so nothing dispatches them), with the ids
 * bench/stats.ts `benchRunId` computes: the simulated agents send results for them.
 */
export async function seedRunningRuns(db: Database, agents: { id: string; index: number }[], perAgent: number): Promise<void> {
  const spec = JSON.stringify({ target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 100 });
  for (const agent of agents) {
    await db.query(
      `INSERT INTO runs (id, agent_id, kind, target, spec, exclusive, status, created_at, dispatched_at, started_at, deadline_at, timeline)
       SELECT (lpad(to_hex($2::int), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(j), 12, '0'))::uuid, $1, 'probe', '127.0.0.1:9/tcp', $3::jsonb, false, 'running',
              now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute', now() + interval '1 day', '[]'::jsonb
         FROM generate_series(0, $4::int - 1) AS j`,
      [agent.id, agent.index, spec, perAgent],
    );
  }
}
