import { loadBenchConfig } from '../../config/bench.js';

/** Flags of `flux-speed bench` and the variables they set. */
const FLAGS: Record<string, string> = {
  quick: 'BENCH_QUICK',
  'ingest-s': 'BENCH_INGEST_S',
  'fleet-sizes': 'BENCH_FLEET_SIZES',
  modes: 'BENCH_MODES',
  output: 'BENCH_OUTPUT',
  'database-url': 'BENCH_DATABASE_URL',
  'redis-url': 'BENCH_REDIS_URL',
};

export const BENCH_OPTIONS = Object.keys(FLAGS);

/** `flux-speed bench [scenario…]`: the benchmark suite (bench/), figures into BENCHMARKS.md. */
export async function runBenchCommand(env: Record<string, string | undefined>, scenarios: string[], options: Record<string, string | true>): Promise<number> {
  const overrides: Record<string, string> = {};
  // `bench --quick ingest`: the word after a switch is a scenario, not its value.
  if (typeof options.quick === 'string' && !['true', 'false'].includes(options.quick)) {
    scenarios = [options.quick, ...scenarios];
    options = { ...options, quick: true };
  }
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = options[flag];
    if (value !== undefined) overrides[variable] = value === true ? 'true' : value;
  }
  const config = loadBenchConfig({ ...env, ...overrides });
  // The suite lives beside the sources, not in them: loaded only when asked for.
  const { runBench } = await import('../../../bench/main.js');
  return runBench(config, scenarios);
}
