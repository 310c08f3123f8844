import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/port.js';
import { markRangeDirty } from '../history/rollups.js';
import { evaluate, type Thresholds } from '../alerts/evaluate.js';

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
  /** The SLA targets of its (paused) hourly schedule: the reports compare against them. */
  thresholds: Thresholds;
}

const AGENTS: DemoAgent[] = [
  { name: 'DEMO-HQ-CORE', location: 'Dallas, TX', target: 'server', downloadMbps: 940, uploadMbps: 930, latencyMs: 1.2,
    thresholds: { download_min_mbps: 700, upload_min_mbps: 400, latency_max_ms: 20, packet_loss_max_pct: 0.5 } },
  { name: 'DEMO-BRANCH-01', location: 'Chicago, IL', target: 'server', downloadMbps: 480, uploadMbps: 190, latencyMs: 18,
    thresholds: { download_min_mbps: 300, upload_min_mbps: 100, latency_max_ms: 40, packet_loss_max_pct: 1 } },
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
  // Its schedule, paused (no process stands behind a demo agent), so the seeded runs, the SLA
  // comparison and the breach log have a source: three breaches in a row open an alert.
  const [schedule] = await tx.query<{ id: number; name: string }>(
    `INSERT INTO schedules (name, agent_id, test_type, target, params, interval_seconds, thresholds, consecutive_failures, alert_on_breach, paused, next_run_at)
     VALUES ($1, $2, 'speedtest', $3, '{"duration": 20, "streams": 4}', 3600, $4, 3, true, true, $5) RETURNING id, name`,
    [`${agent.name} uplink — hourly (demo)`, row.id, agent.target, JSON.stringify(agent.thresholds), new Date(now)],
  );
  const streaks: Record<string, number> = {};
  const openAlerts: Record<string, number> = {};
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
      `INSERT INTO runs (agent_id, kind, target, spec, exclusive, status, created_at, dispatched_at, started_at, finished_at, deadline_at, measured_at, timeline, schedule_id)
       VALUES ($1, 'speedtest', $2, $3, true, 'completed', $4::timestamptz, $4, $4, $5, $5, $4, jsonb_build_array(jsonb_build_object('at', $6::text, 'status', 'completed', 'note', 'demo data')), $7)
       RETURNING id`,
      [row.id, agent.target, JSON.stringify({ target: agent.target, protocol: 'tcp', direction: 'bidirectional', duration: 20, streams: 4, simultaneous: false, candidates: [] }), at, new Date(at.getTime() + 45_000), at.toISOString(), schedule!.id],
    );
    await tx.query(
      `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, download_mbps, upload_mbps, latency_ms, jitter_ms, loss_pct, loaded_latency_ms, details, method)
       VALUES ($1, $2, 'speedtest', $3, 'completed', $4, $5, $6, $7, $8, $9, $10, $11, '{}', '{"engine": "http", "demo": true}')`,
      [run!.id, row.id, agent.target, at, new Date(at.getTime() + 45_000), agent.downloadMbps * factor, agent.uploadMbps * factor, latency, jitter, loss, latency * (1.5 + rnd())],
    );
    const metrics = { download_mbps: agent.downloadMbps * factor, upload_mbps: agent.uploadMbps * factor, latency_ms: latency, jitter_ms: jitter, loss_pct: loss };
    await judge(tx, { agentId: row.id, agentName: agent.name, target: agent.target, schedule: schedule!, thresholds: agent.thresholds, runId: run!.id, at, metrics }, streaks, openAlerts);
    count++;
  }
  return count;
}

/** The alert evaluation the live hook does, over the seeded history: breaches, alerts opened and resolved. */
async function judge(
  tx: Queryable,
  r: { agentId: string; agentName: string; target: string; schedule: { id: number; name: string }; thresholds: Thresholds; runId: string; at: Date; metrics: Record<string, number> },
  streaks: Record<string, number>,
  openAlerts: Record<string, number>,
) {
  for (const v of evaluate({ thresholds: r.thresholds, status: 'completed', metrics: r.metrics, streaks, baselines: {}, consecutiveFailures: 3 })) {
    if (v.outcome === 'breach') {
      streaks[v.key] = v.streak;
      await tx.query(
        'INSERT INTO breaches (run_id, agent_id, target, schedule_id, kind, metric, value, threshold, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [r.runId, r.agentId, r.target, r.schedule.id, v.kind, v.metric, v.value, v.threshold, r.at],
      );
    } else if (v.outcome === 'pass') {
      delete streaks[v.key];
    }
    const dedupKey = `schedule:${r.schedule.id}:${r.agentId}:${r.target}:${v.key}`;
    if (v.fire && openAlerts[v.key] === undefined) {
      const [alert] = await tx.query<{ id: number }>(
        `INSERT INTO alerts (kind, dedup_key, agent_id, target, metric, value, threshold, severity, title, state, opened_at, schedule_id, notify, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'HIGH', $8, 'open', $9, $10, false, $11) RETURNING id`,
        [v.kind, dedupKey, r.agentId, r.target, v.metric, v.value, v.threshold, `${r.agentName} → ${r.target}: ${v.metric} ${v.value?.toFixed(1)} past ${v.threshold} (${v.streak} in a row)`, r.at, r.schedule.id,
          JSON.stringify({ source: `schedule:${r.schedule.id}`, source_name: r.schedule.name, run_id: r.runId, consecutive_breaches: v.streak, demo: true })],
      );
      openAlerts[v.key] = alert!.id;
    } else if (v.recover && openAlerts[v.key] !== undefined) {
      await tx.query(`UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE id = $1`, [openAlerts[v.key], r.at]);
      delete openAlerts[v.key];
    }
  }
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
    // The worker folds the seeded history into the rollups the 7-day and longer trends read.
    await markRangeDirty(tx, new Date(now - ((options.days ?? 14) + 1) * 86_400_000), new Date(now + 3_600_000));
    return total;
  });
  if (count > 0) log.info({ results: count, agents: AGENTS.map((a) => a.name) }, 'seeded demo data');
  return count;
}
