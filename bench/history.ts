// History benchmark (npm run bench:history): one result per minute for a year per agent/target
// (525,600 rows each), then the 12-month trend query, the 30-day report (CSV and PDF), a full
// rollup rebuild and an incremental rollup pass, on PGlite and (BENCH_DATABASE_URL or
// TEST_DATABASE_URL) PostgreSQL. Prints a table and writes the `## History` section of BENCHMARKS.md.
//   BENCH_AGENTS=N          agents seeded (default 1)
//   BENCH_ROLLUP_AGENTS=M   agents whose rollups the worker's pass rebuilds (default all); the
//                           other agents get copies of the first agent's buckets, so the rollup
//                           table has its full size without hours of rebuilding on a small host
//   BENCH_BACKENDS=pglite,postgres
// Rows of the History table are kept per backend and agent count: a run replaces its own rows only.
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Database } from '../src/db/port.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { ensurePartitions } from '../src/history/partitions.js';
import { markDirty, markRangeDirty, runRollups } from '../src/history/rollups.js';
import { csvChunks, csvDigest } from '../src/history/report-csv.js';
import { loadReport, type ReportQuery } from '../src/history/report-data.js';
import { chartSeries, engineList, renderPdf } from '../src/history/report-pdf.js';
import { loadTrend } from '../src/history/trends.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AGENTS = Number(process.env.BENCH_AGENTS ?? 1);
const ROLLUP_AGENTS = Math.min(AGENTS, Math.max(1, Number(process.env.BENCH_ROLLUP_AGENTS ?? AGENTS)));
const PG_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || '';
const BACKENDS = (process.env.BENCH_BACKENDS ?? (PG_URL ? 'pglite,postgres' : 'pglite')).split(',');
if (BACKENDS.includes('postgres') && !PG_URL) {
  console.error('BENCH_BACKENDS names postgres but neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set');
  process.exit(2);
}
const MINUTES_PER_YEAR = 365 * 24 * 60;
const TARGET = 'server';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: ms(start), value };
}
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function open(kind: string): Promise<{ db: Database; close: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-'));
    const db = await openPglite(dir);
    return { db, close: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const schema = `bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ url: PG_URL, schema, maxConnections: 4 });
  return {
    db,
    close: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A year of one-per-minute speedtests for one agent, generated in SQL a month at a time. */
async function seedAgent(db: Database, agentId: string, start: Date, index: number): Promise<void> {
  for (let day = 0; day < 365; day += 30) {
    const from = new Date(start.getTime() + day * 86_400_000);
    const to = new Date(start.getTime() + Math.min(365, day + 30) * 86_400_000);
    await db.query(
      `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, error, download_mbps, upload_mbps, latency_ms, jitter_ms, loss_pct, method)
       SELECT gen_random_uuid(), $1, 'speedtest', $2, CASE WHEN n % 500 = 7 THEN 'failed' ELSE 'completed' END, ts, ts + interval '10 seconds',
              CASE WHEN n % 500 = 7 THEN 'connection refused' END,
              CASE WHEN n % 500 = 7 THEN NULL ELSE 800 + 100 * sin(n / 500.0) + 50 * random() - $5::int END,
              CASE WHEN n % 500 = 7 THEN NULL ELSE 400 + 40 * random() END,
              CASE WHEN n % 500 = 7 THEN NULL ELSE 5 + 10 * random() END,
              CASE WHEN n % 500 = 7 THEN NULL ELSE 2 * random() END,
              CASE WHEN n % 500 = 7 THEN NULL WHEN random() < 0.05 THEN random() ELSE 0 END,
              '{"engine":"http"}'::jsonb
         FROM (SELECT ts, row_number() OVER (ORDER BY ts) AS n FROM generate_series($3::timestamptz, $4::timestamptz - interval '1 minute', interval '1 minute') AS ts) g`,
      [agentId, TARGET, from.toISOString(), to.toISOString(), index],
    );
  }
}

interface Row {
  backend: string;
  agents: number;
  rows: number;
  seedS: number;
  rollupFullS: number;
  rollupAgents: number;
  rollupIncrementalMs: number;
  trend12mMs: number;
  trend7dMs: number;
  trend24hMs: number;
  csv30dMs: number;
  csvBytes: number;
  pdf30dMs: number;
  pdfBytes: number;
  measuredAt: Date;
  load1m: number;
}

async function bench(kind: string): Promise<Row> {
  const { db, close } = await open(kind);
  try {
    await migrate(db);
    const now = new Date();
    const start = new Date(Math.floor((now.getTime() - 365 * 86_400_000) / 60_000) * 60_000);
    await ensurePartitions(db, start, 14);
    const agents: { id: string; name: string }[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const [row] = await db.query<{ id: string }>(`INSERT INTO agents (name) VALUES ($1) RETURNING id`, [`BENCH-${String(i + 1).padStart(3, '0')}`]);
      agents.push({ id: row!.id, name: `BENCH-${String(i + 1).padStart(3, '0')}` });
    }
    const seed = await time(async () => {
      for (const [i, a] of agents.entries()) await seedAgent(db, a.id, start, i);
    });
    const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM results`)) as [{ n: number }];
    process.stdout.write(`${kind}: seeded ${n} rows in ${(seed.ms / 1000).toFixed(1)} s\n`);
    if (kind === 'postgres') await db.query('ANALYZE results');

    const rebuilt = agents.slice(0, ROLLUP_AGENTS).map((a) => a.id);
    const full = await time(async () => {
      await markRangeDirty(db, start, new Date(now.getTime() + 3_600_000), rebuilt);
      return runRollups(db);
    });
    process.stdout.write(`${kind}: full rollup rebuild of ${rebuilt.length} agent(s), ${full.value.hours} hours in ${(full.ms / 1000).toFixed(1)} s\n`);
    const copies = agents.slice(ROLLUP_AGENTS).map((a) => a.id);
    if (copies.length > 0) {
      const copy = await time(() =>
        db.query(
          `INSERT INTO rollups (granularity, agent_id, target, metric, bucket_start, kind, tests, failed, maintenance, count, sum, avg, min, max, p50, p95)
           SELECT r.granularity, c.id, r.target, r.metric, r.bucket_start, r.kind, r.tests, r.failed, r.maintenance, r.count, r.sum, r.avg, r.min, r.max, r.p50, r.p95
             FROM rollups r CROSS JOIN unnest($2::uuid[]) AS c(id) WHERE r.agent_id = $1`,
          [rebuilt[0], copies],
        ),
      );
      process.stdout.write(`${kind}: rollups of ${copies.length} more agents copied in ${(copy.ms / 1000).toFixed(1)} s\n`);
      if (kind === 'postgres') await db.query('ANALYZE rollups');
    }
    const [{ buckets }] = (await db.query<{ buckets: number }>(`SELECT count(*)::int AS buckets FROM rollups`)) as [{ buckets: number }];
    process.stdout.write(`${kind}: ${buckets} rollup rows\n`);
    // A worker tick after one new result: its hour, day and ISO week recomputed from raw rows.
    const last = new Date(start.getTime() + (MINUTES_PER_YEAR - 1) * 60_000);
    const incremental = await median(5, async () => {
      await markDirty(db, [{ agent_id: agents[0]!.id, target: TARGET, kind: 'speedtest', measured_at: last }]);
      await runRollups(db);
    });
    const agent = agents[0]!;
    const trend12m = await median(5, () => loadTrend(db, { agent, target: TARGET, metric: 'download_mbps', window: '12m', now }));
    const trend7d = await median(5, () => loadTrend(db, { agent, target: TARGET, metric: 'download_mbps', window: '7d', now }));
    const trend24h = await median(5, () => loadTrend(db, { agent, target: TARGET, metric: 'download_mbps', window: '24h', now }));
    const query: ReportQuery = { agent, target: TARGET, start: new Date(now.getTime() - 30 * 86_400_000), end: now };
    let csvBytes = 0;
    const csv = await median(3, async () => {
      csvBytes = 0;
      const data = await loadReport(db, query);
      for await (const chunk of csvChunks(db, query, data)) csvBytes += Buffer.byteLength(chunk);
    });
    let pdfBytes = 0;
    const pdf = await median(3, async () => {
      const data = await loadReport(db, query);
      const digest = await csvDigest(db, query, data);
      const doc = renderPdf({ query, data, digest, charts: await chartSeries(db, query), engines: await engineList(db, query), generatedAt: new Date() });
      pdfBytes = 0;
      for await (const chunk of doc as AsyncIterable<Buffer>) pdfBytes += chunk.length;
    });
    return {
      backend: kind === 'pglite' ? 'PGlite (on disk)' : 'PostgreSQL',
      agents: AGENTS,
      rows: n,
      seedS: seed.ms / 1000,
      rollupFullS: full.ms / 1000,
      rollupAgents: rebuilt.length,
      rollupIncrementalMs: incremental,
      trend12mMs: trend12m,
      trend7dMs: trend7d,
      trend24hMs: trend24h,
      csv30dMs: csv,
      csvBytes,
      pdf30dMs: pdf,
      pdfBytes,
      measuredAt: new Date(),
      load1m: os.loadavg()[0]!,
    };
  } finally {
    await close();
  }
}

const HEAD = [
  'Backend',
  'Agents',
  'Raw rows',
  'Seed (s)',
  'Rollup rebuild, full year (s)',
  'Rollup pass, 1 new result (ms)',
  '12-month trend (ms)',
  '7-day trend (ms)',
  '24-hour trend (ms)',
  '30-day CSV (ms, size)',
  '30-day PDF (ms, size)',
  'Measured (UTC)',
  'Load (1 min)',
];

function tableLine(r: Row): string {
  const rebuild = `${r.rollupFullS.toFixed(1)}${r.rollupAgents < r.agents ? ` (${r.rollupAgents} agent${r.rollupAgents === 1 ? '' : 's'}, the rest copied)` : ''}`;
  return `| ${[
    r.backend,
    r.agents,
    r.rows.toLocaleString('en-US'),
    r.seedS.toFixed(1),
    rebuild,
    r.rollupIncrementalMs.toFixed(0),
    r.trend12mMs.toFixed(1),
    r.trend7dMs.toFixed(1),
    r.trend24hMs.toFixed(1),
    `${r.csv30dMs.toFixed(0)} (${(r.csvBytes / 1e6).toFixed(1)} MB)`,
    `${r.pdf30dMs.toFixed(0)} (${(r.pdfBytes / 1e3).toFixed(0)} kB)`,
    r.measuredAt.toISOString().slice(0, 16).replace('T', ' '),
    r.load1m.toFixed(1),
  ].join(' | ')} |`;
}

/** The table: this run's rows, plus the rows of earlier runs (same columns) for other backends or agent counts. */
function table(rows: Row[], previous: string): string {
  const key = (cells: string[]) => `${cells[0]}\u0000${cells[1]}`;
  const cellsOf = (line: string) => line.slice(2, -2).split(' | ');
  const fresh = rows.map(tableLine);
  const freshKeys = new Set(fresh.map((l) => key(cellsOf(l))));
  const header = `| ${HEAD.join(' | ')} |`;
  const lines = previous.split('\n');
  const kept = lines.includes(header)
    ? lines.filter((l) => l.startsWith('| ') && l !== header && cellsOf(l).length === HEAD.length && !freshKeys.has(key(cellsOf(l))))
    : [];
  const all = [...kept, ...fresh].sort((a, b) => key(cellsOf(a)).localeCompare(key(cellsOf(b)), 'en', { numeric: true }));
  return [header, `|${HEAD.map(() => '---').join('|')}|`, ...all].join('\n');
}

/** The current History section of BENCHMARKS.md ('' when there is none). */
function currentSection(): { text: string; file: string; before: string; after: string } {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf('\n## History\n');
  if (start < 0) return { text: '', file, before: `${current.trimEnd()}\n`, after: '' };
  const end = current.indexOf('\n## ', start + 1);
  return { text: current.slice(start, end < 0 ? undefined : end), file, before: current.slice(0, start), after: end < 0 ? '' : current.slice(end) };
}

const results: Row[] = [];
for (const kind of BACKENDS) results.push(await bench(kind));
const section = currentSection();
const t = table(results, section.text);
process.stdout.write(`\n${results.map(tableLine).join('\n')}\n`);
const cpu = os.cpus();
writeFileSync(
  section.file,
  `${section.before}
## History

\`npm run bench:history\` (bench/history.ts) on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, Node ${process.version}.
One speedtest result per minute for a year per agent (${MINUTES_PER_YEAR.toLocaleString('en-US')} rows each, one failed in 500), one target.
Times are medians of 5 runs (3 for reports); the seed and the full rollup rebuild run once. Each row
is one run (the last for its backend and agent count); *Load* is the host's 1-minute load average on
${cpu.length} cores at its end: a load well above the core count means other work shared the machine
and the row's times are upper bounds.

${t}

- *Rollup rebuild, full year*: every hour of the year marked dirty, then the worker's pass recomputing
  all hourly, daily and ISO-weekly buckets from raw rows (what a bulk import costs once). With
  \`BENCH_ROLLUP_AGENTS\` below the agent count, only that many agents are rebuilt and the others get
  copies of the first agent's buckets (same count of rollup rows; a 2-core host would need hours
  to rebuild 100 agent-years).
- *Rollup pass, 1 new result*: the steady state: one result's hour, day and ISO week recomputed.
- *12-month trend*: \`GET /api/speed/trends?window=12m\` reads weekly rollups only; *7-day* reads
  hourly rollups; *24-hour* reads the agent's 1,440 raw rows of the last day.
- *30-day report*: every figure of the summary, the breach log and all ~43,200 raw rows streamed as CSV;
  the PDF also streams the CSV once through SHA-256 for its digest, then draws the charts.
- Every query is by agent and target on an index, so the trend and report times should not grow
  with other agents' rows; the rows with 100 agents (≈ 52.6 million raw rows, the brief's fleet
  for a year) check that.
${section.after}`,
);
process.stdout.write('\nwrote the History section of BENCHMARKS.md\n');
