// `flux-speed bench [scenario…]`: runs each scenario, prints its table and writes BENCHMARKS.md.
import os from 'node:os';
import type { BenchConfig } from '../src/config/bench.js';
import { embeddedScenario } from './embedded.js';
import { engineScenario } from './engine.js';
import { fleetScenario } from './fleet.js';
import { ingestScenario } from './ingest.js';
import { distributedUnavailable, type Mode } from './installation.js';
import { describeMachine } from './machine.js';
import { queriesScenario } from './queries.js';
import { writeReport } from './report.js';
import { schedulerScenario } from './scheduler.js';
import { printSection, type Section } from './section.js';

type Scenario = (config: BenchConfig, modes: Mode[]) => Promise<Section>;

export const SCENARIOS: Record<string, Scenario> = {
  ingest: ingestScenario,
  fleet: fleetScenario,
  scheduler: schedulerScenario,
  queries: queriesScenario,
  engine: engineScenario,
  embedded: embeddedScenario,
};

export async function runBench(config: BenchConfig, names: string[]): Promise<number> {
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
    return 2;
  }
  const chosen = names.length > 0 ? names : Object.keys(SCENARIOS);
  let modes = config.modes;
  const machine = await describeMachine(config);
  process.stdout.write(printSection(machine) + '\n');
  const notes: string[] = [];
  if (modes.includes('postgres')) {
    const why = await distributedUnavailable(config);
    if (why) {
      notes.push(`PostgreSQL + Redis scenarios skipped: ${why}`);
      process.stderr.write(`bench: ${why}; running the embedded mode only\n`);
      modes = modes.filter((m) => m !== 'postgres');
    }
  }
  machine.notes.push(...notes);
  const produced: Section[] = [machine];
  for (const name of chosen) {
    process.stdout.write(`\n… ${name}\n`);
    const started = Date.now();
    const section = await SCENARIOS[name]!(config, modes);
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
    section.notes.push(`measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${Math.round((Date.now() - started) / 1000)} s${config.quick ? ' (--quick)' : ''}; load average at the end ${load} (1 / 5 / 15 min).`);
    process.stdout.write(printSection(section) + '\n');
    produced.push(section);
    // Written after each scenario: a long run that is interrupted keeps what it measured.
    writeReport(config.output, produced);
  }
  process.stdout.write(`\nwrote ${config.output}\n`);
  return 0;
}
