// Scenario 4, queries: the trend and report queries over large histories. They belong to the
// history feature, whose own script (bench/history.ts) seeds a year of results, times the
// queries and writes the `## History` section itself; this scenario runs it when present.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../src/config/bench.js';
import type { Mode } from './installation.js';
import type { Section } from './section.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function queriesScenario(config: BenchConfig, modes: Mode[]): Promise<Section> {
  const section: Section = { heading: 'Queries', intro: '', columns: [], rows: [], notes: [] };
  const script = path.join(here, 'history.ts');
  if (!existsSync(script)) {
    section.intro = "Not measured: bench/history.ts (the history feature's query benchmark) is not in this build.";
    return section;
  }
  const backends = modes.map((m) => (m === 'embedded' ? 'pglite' : 'postgres')).join(',');
  // In its own process: it writes its `## History` section of BENCHMARKS.md itself.
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: path.resolve(here, '..'),
      env: { ...process.env, NODE_OPTIONS: '', BENCH_DATABASE_URL: config.databaseUrl, BENCH_BACKENDS: backends },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', resolve);
  });
  section.intro = code === 0
    ? `Measured by \`bench/history.ts\` (${backends}): the 12-month trend, the 30-day report and the rollup passes over a year of per-minute results; the figures are in the History section.`
    : `bench/history.ts failed (exit ${code}); see its output.`;
  return section;
}
