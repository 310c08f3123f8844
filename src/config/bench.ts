import { Type, type Static } from 'typebox';
import { parseEnvironment } from './env.js';

/** `flux-speed bench`: where it creates its throw-away installations, and how long it measures. */
export const BenchEnvironment = Type.Object({
  BENCH_DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/postgres', pattern: '^postgres(ql)?://', description: 'a postgres:// URL (a fresh schema is created per scenario and dropped after)' }),
  BENCH_REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://', description: 'a redis:// URL (a fresh key prefix per scenario)' }),
  /** Seconds of sustained ingest (the `--quick` mode uses 10). */
  BENCH_INGEST_S: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  /** Fleet sizes, comma-separated (the `--quick` mode uses 200,1000). */
  BENCH_FLEET_SIZES: Type.String({ default: '1000,5000,10000', pattern: '^\\d+(,\\d+)*$', description: 'comma-separated agent counts' }),
  /** Which modes to run: postgres (PostgreSQL + Redis), embedded (PGlite + in-process bus). */
  BENCH_MODES: Type.String({ default: 'postgres,embedded', pattern: '^(postgres|embedded)(,(postgres|embedded))*$', description: 'postgres and/or embedded, comma-separated' }),
  BENCH_QUICK: Type.Boolean({ default: false }),
  BENCH_OUTPUT: Type.String({ default: 'BENCHMARKS.md', minLength: 1 }),
  /** When set, each server and worker process writes a V8 CPU profile there (open in Chrome DevTools). */
  BENCH_PROFILE_DIR: Type.Optional(Type.String({ minLength: 1 })),
});
type BenchEnvironment = Static<typeof BenchEnvironment>;

export interface BenchConfig {
  databaseUrl: string;
  redisUrl: string;
  quick: boolean;
  ingestS: number;
  fleetSizes: number[];
  modes: ('postgres' | 'embedded')[];
  output: string;
  profileDir: string | undefined;
}

export function loadBenchConfig(env: Record<string, string | undefined>): BenchConfig {
  const e = parseEnvironment(BenchEnvironment, env) as BenchEnvironment;
  const quick = e.BENCH_QUICK;
  return {
    databaseUrl: e.BENCH_DATABASE_URL,
    redisUrl: e.BENCH_REDIS_URL,
    quick,
    ingestS: quick && env.BENCH_INGEST_S === undefined ? 10 : e.BENCH_INGEST_S,
    fleetSizes: (quick && env.BENCH_FLEET_SIZES === undefined ? '200,1000' : e.BENCH_FLEET_SIZES).split(',').map(Number),
    modes: e.BENCH_MODES.split(',') as BenchConfig['modes'],
    output: e.BENCH_OUTPUT,
    profileDir: e.BENCH_PROFILE_DIR,
  };
}
