import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/port.js';

/** Deterministic pseudo-random numbers, so the demo looks the same on every machine. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface DemoAgent {
  name: string;
  location: string;
  target: string;
  downloadMbps: number;
  uploadMbps: number;
  latencyMs: number;
}

const AGENTS: DemoAgent[] = [
  { name: 'DEMO-HQ-CORE', location: 'Dallas, TX', target: 'server', downloadMbps: 940, uploadMbps: 930, latencyMs: 1.2 },
  { name: 'DEMO-BRANCH-01', location: 'Chicago, IL', target: 'server', downloadMbps: 480, uploadMbps: 190, latencyMs: 18 },
];

async function seedAgent(tx: Queryable, agent: DemoAgent, days: number, now: number, rnd: () => number) {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO agents (name, location, version, capabilities, state, state_reason, maintenance, maintenance_reason, last_seen_at)
     VALUES ($1, $2, 'demo', '{"iperf3": true, "mtr": true}', 'MAINTENANCE', 'maintenance: demo agent with seeded history, no process behind it', true,
             'demo agent with seeded history, no process behind it', $3)
     ON CONFLICT DO NOTHING RETURNING id`,
    [agent.name, agent.location, new Date(now)],
  );
  if (!row) return 0;
  let count = 0;
  for (let hour = days * 24; hour >= 1; hour--) {
    const at = new Date(now - hour * 3_600_000 + Math.floor(rnd() * 600_000));
    // A busy-hour dip in the evening, and one bad afternoon three days ago on the branch.
    const localHour = (at.getUTCHours() + 18) % 24;
    const busy = localHour >= 19 && localHour <= 22 ? 0.82 : 1;
    const incident = agent.name === 'DEMO-BRANCH-01' && hour > 70 && hour < 76 ? 0.45 : 1;
    const factor = busy * incident * (0.95 + rnd() * 0.05);
    const latency = agent.latencyMs * (1 + rnd() * 0.15) * (incident < 1 ? 3 : 1);
    const jitter = latency * (0.05 + rnd() * 0.1);
    const loss = incident < 1 ? 1 + rnd() * 2 : rnd() < 0.05 ? rnd() * 0.2 : 0;
    const [run] = await tx.query<{ id: string }>(
      `INSERT INTO runs (agent_id, kind, target, spec, exclusive, status, created_at, dispatched_at, started_at, finished_at, deadline_at, measured_at, timeline)
       VALUES ($1, 'speedtest', $2, $3, true, 'completed', $4::timestamptz, $4, $4, $5, $5, $4, jsonb_build_array(jsonb_build_object('at', $6::text, 'status', 'completed', 'note', 'demo data')))
       RETURNING id`,
      [row.id, agent.target, JSON.stringify({ target: agent.target, protocol: 'tcp', direction: 'bidirectional', duration: 20, streams: 4, simultaneous: false, candidates: [] }), at, new Date(at.getTime() + 45_000), at.toISOString()],
    );
    await tx.query(
      `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, download_mbps, upload_mbps, latency_ms, jitter_ms, loss_pct, loaded_latency_ms, details, method)
       VALUES ($1, $2, 'speedtest', $3, 'completed', $4, $5, $6, $7, $8, $9, $10, $11, '{}', '{"engine": "http", "demo": true}')`,
      [run!.id, row.id, agent.target, at, new Date(at.getTime() + 45_000), agent.downloadMbps * factor, agent.uploadMbps * factor, latency, jitter, loss, latency * (1.5 + rnd())],
    );
    count++;
  }
  return count;
}

/**
 * SEED_DEMO=true: two demo agents with two weeks of hourly speedtests (an evening dip, one bad
 * afternoon), once per database, so a newcomer sees a live-looking product.
 */
export async function seedDemo(db: Database, log: Logger, options: { days?: number; now?: number } = {}): Promise<number> {
  const [done] = await db.query("SELECT 1 FROM settings WHERE key = 'demo_seeded'");
  if (done) return 0;
  const now = options.now ?? Date.now();
  const rnd = random(4040);
  const count = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4040003)');
    const inserted = await tx.query("INSERT INTO settings (key, value) VALUES ('demo_seeded', 'true') ON CONFLICT DO NOTHING RETURNING key");
    if (inserted.length === 0) return 0;
    let total = 0;
    for (const agent of AGENTS) total += await seedAgent(tx, agent, options.days ?? 14, now, rnd);
    return total;
  });
  if (count > 0) log.info({ results: count, agents: AGENTS.map((a) => a.name) }, 'seeded demo data');
  return count;
}
