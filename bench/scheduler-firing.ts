// Benchmark: how fast the scheduler fires due schedules (claim, create the run, advance the slot),
// on PGlite and, with TEST_DATABASE_URL, on PostgreSQL. Prints schedules fired per second.
//   node --import tsx bench/scheduler-firing.ts [count]
import { fireDueSchedules } from '../src/schedules/scheduler.js';
import { appBackends, registerTestAgent } from '../test/helpers/app.js';

const count = Number(process.argv[2] ?? 500);
for (const backend of appBackends()) {
  const t = await backend.open({ env: { SCHEDULE_MIN_INTERVAL_S: '1' } });
  const { agentId } = await registerTestAgent(t.ctx, 'BENCH');
  await t.ctx.db.query(
    `INSERT INTO schedules (name, agent_id, test_type, target, params, interval_seconds, next_run_at)
     SELECT 'bench ' || g, $1, 'probe', '127.0.0.1', '{"port": 9}'::jsonb, 60, now() - interval '1 second' FROM generate_series(1, $2) g`,
    [agentId, count],
  );
  const started = performance.now();
  let fired = 0;
  for (;;) {
    const runs = await fireDueSchedules(t.ctx, new Date());
    if (runs.length === 0) break;
    fired += runs.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${backend.name}: fired ${fired} due schedules in ${seconds.toFixed(2)} s = ${(fired / seconds).toFixed(0)} per second (${((seconds * 1000) / fired).toFixed(2)} ms each)`);
  await t.close();
}
