// The machine the figures were measured on.
import os from 'node:os';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { BenchConfig } from '../src/config/bench.js';
import type { Section } from './section.js';

export async function describeMachine(config: BenchConfig): Promise<Section> {
  const cpus = os.cpus();
  let postgres = 'not reachable';
  let redis = 'not reachable';
  try {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    postgres = String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version);
    await client.end();
  } catch {
    /* said in the table */
  }
  const r = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await r.connect();
    redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? 'unknown';
  } catch {
    /* said in the table */
  } finally {
    r.disconnect();
  }
  const rows: string[][] = [
    ['date (UTC)', new Date().toISOString().replace('T', ' ').slice(0, 16)],
    ['CPU', `${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} cores`],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['OS', `${os.type()} ${os.release()} (${os.arch()})`],
    ['Node.js', process.version],
    ['PostgreSQL', postgres],
    ['Redis', redis],
    ['PGlite (embedded)', '0.5.16'],
    ['load average at start (1 / 5 / 15 min)', os.loadavg().map((l) => l.toFixed(1)).join(' / ')],
    ['mode', config.quick ? '--quick (short runs, small fleets)' : 'full'],
  ];
  return {
    heading: 'Machine',
    intro: `Where these figures come from. Each section's last note gives the host's load average when it finished: well above the ${cpus.length} cores, other work shared the machine and that section's figures are lower bounds. Compare rows within one run rather than across runs.`,
    columns: ['', 'value'],
    rows,
    notes: [],
  };
}
