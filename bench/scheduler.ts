// Scenario 3, scheduler: 10,000 schedules inserted with SQL, due in a 10 s window; the
// worker's start-time drift (run created_at − due slot) and the runs per second it sustains.
// Written against the `schedules` table contract (next_run_at, interval_seconds, offset_seconds;
// runs.schedule_id), so it measures whichever scheduler the worker has.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../src/config/bench.js';
import { createInstallation, type Mode } from './installation.js';
import { processUsage, startFlux, type Flux } from './processes.js';
import { seedAgents } from './seed.js';
import type { Section } from './section.js';
import { fmt, quantile, sleep } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCHEDULES = 10_000;
const SPREAD_S = 10;
const INTERVAL_S = 300;

/** Does this build's worker run a scheduler? (The task list in src/worker/worker.ts names it.) */
export function schedulerAvailable(): boolean {
  return /schedul/i.test(readFileSync(path.join(here, '../src/worker/worker.ts'), 'utf8'));
}

export async function schedulerScenario(config: BenchConfig, modes: Mode[]): Promise<Section> {
  const section: Section = {
    heading: 'Scheduler',
    intro: `${SCHEDULES.toLocaleString('en-US')} probe schedules (every ${INTERVAL_S} s) inserted with SQL over 100 agents, their first slots spread over ${SPREAD_S} s (a demand of ${SCHEDULES / SPREAD_S} runs/s); \`flux-speed worker\` on PostgreSQL + Redis. Drift: run \`created_at\` − its due slot (\`next_run_at\` as inserted).`,
    columns: ['mode', 'schedules', 'runs created', 'drift p50 ms', 'drift p99 ms', 'drift max ms', 'runs/s sustained', 'worker CPU (cores)'],
    rows: [],
    notes: [],
  };
  if (!schedulerAvailable()) {
    section.intro = 'scheduler not available: this build\'s worker has no scheduler task yet (the scenario measures one as soon as it is merged).';
    process.stdout.write('scheduler not available\n');
    return section;
  }
  if (!modes.includes('postgres')) {
    section.intro = 'Not measured: the scheduler scenario needs PostgreSQL (the bench reads runs while the worker writes them).';
    return section;
  }
  section.rows.push(await measure(config).catch((error) => ['postgres', '', `failed: ${(error as Error).message.split('\n')[0]}`, '', '', '', '', '']));
  return section;
}

async function measure(config: BenchConfig): Promise<string[]> {
  const install = await createInstallation(config, 'postgres');
  let worker: Flux | undefined;
  const db = await install.open();
  try {
    const agents = await seedAgents(db, 100);
    // Online agents, so a scheduler that skips offline ones still fires.
    await db.query("UPDATE agents SET state = 'ONLINE', last_seen_at = now(), connected_at = now()");
    const firstDue = new Date(Date.now() + 15_000);
    const due = await db.query<{ id: number; next_run_at: Date }>(
      `INSERT INTO schedules (name, agent_id, test_type, target, params, interval_seconds, offset_seconds, next_run_at)
       SELECT 'bench ' || i, ($1::uuid[])[1 + i % array_length($1::uuid[], 1)], 'probe', '127.0.0.1',
              '{"port": 9, "protocol": "tcp", "timeout_ms": 100}'::jsonb, $2, i % $3, $4::timestamptz + make_interval(secs => (i % $3))
         FROM generate_series(0, $5::int - 1) AS i
       RETURNING id, next_run_at`,
      [agents.map((a) => a.id), INTERVAL_S, SPREAD_S, firstDue, SCHEDULES],
    );
    const dueById = new Map(due.map((d) => [Number(d.id), d.next_run_at.getTime()]));
    worker = await startFlux('worker', { ...install.env, AGENT_OFFLINE_AFTER_S: '3600' });
    const before = processUsage(worker.child.pid!);
    const startedAt = Date.now();
    let created = 0;
    while (Date.now() - startedAt < 120_000) {
      await sleep(1000);
      created = Number((await db.query<{ n: number }>('SELECT count(DISTINCT schedule_id)::int AS n FROM runs WHERE schedule_id IS NOT NULL'))[0]?.n ?? 0);
      if (created >= SCHEDULES) break;
    }
    const elapsedS = (Date.now() - startedAt) / 1000;
    const after = processUsage(worker.child.pid!);
    const firsts = await db.query<{ schedule_id: number; created_at: Date }>(
      'SELECT DISTINCT ON (schedule_id) schedule_id, created_at FROM runs WHERE schedule_id IS NOT NULL ORDER BY schedule_id, created_at',
    );
    const drift = firsts.map((r) => r.created_at.getTime() - dueById.get(Number(r.schedule_id))!);
    const span = firsts.length > 0 ? (Math.max(...firsts.map((r) => r.created_at.getTime())) - Math.min(...firsts.map((r) => r.created_at.getTime()))) / 1000 : Number.NaN;
    return ['postgres', SCHEDULES.toLocaleString('en-US'), firsts.length.toLocaleString('en-US'), fmt(quantile(drift, 0.5), 0), fmt(quantile(drift, 0.99), 0), fmt(Math.max(...drift), 0), fmt(firsts.length / Math.max(span, SPREAD_S), 0), fmt((after.cpuS - before.cpuS) / elapsedS, 2)];
  } finally {
    await worker?.stop();
    await db.close();
    await install.drop();
  }
}
