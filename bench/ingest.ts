// Scenario 1, ingest: results per second accepted over the agent protocol and durably stored
// (the server acknowledges a result only after its transaction committed), and the latency from
// the agent sending it to that acknowledgement.
import type { BenchConfig } from '../src/config/bench.js';
import { createInstallation, type Mode } from './installation.js';
import { processUsage, startFlux } from './processes.js';
import { seedAgents, seedRunningRuns } from './seed.js';
import type { Section } from './section.js';
import { SimFleet } from './sim-client.js';
import { fmt, quantile } from './stats.js';

const AGENTS = 100;
const WINDOW = 4;

export async function ingestScenario(config: BenchConfig, modes: Mode[]): Promise<Section> {
  const section: Section = {
    heading: 'Ingest',
    intro: `${AGENTS} simulated agents (a separate process, real WebSocket clients) each keep ${WINDOW} probe results in flight for ${config.ingestS} s; a result counts when the server's \`result_ack: stored\` arrives (sent after the commit). Latency: agent send → that acknowledgement.`,
    columns: ['mode', 'results/s stored', 'p50 ms', 'p99 ms', 'server CPU (cores)', 'server CPU ms per 1,000 results', 'rejected'],
    rows: [],
    notes: [],
  };
  for (const mode of modes) {
    const install = await createInstallation(config, mode);
    const sim = SimFleet.start();
    let server;
    try {
      const expectedPerS = mode === 'postgres' ? 15_000 : 4000;
      const runsPerAgent = Math.ceil((expectedPerS * config.ingestS) / AGENTS);
      const db = await install.open();
      const agents = await seedAgents(db, AGENTS);
      await seedRunningRuns(db, agents, runsPerAgent);
      await db.close();
      server = await startFlux(mode === 'postgres' ? 'server' : 'all', { ...install.env, LOCAL_AGENT: '' });
      const connected = await sim.request({ cmd: 'connect', baseUrl: server.baseUrl, agents, heartbeatS: 15, concurrency: 20 }, 'connected');
      if (connected.failed > 0) throw new Error(`${connected.failed} agents failed to connect: ${connected.firstError}`);
      const before = processUsage(server.child.pid!);
      const { report } = await sim.request({ cmd: 'ingest', durationS: config.ingestS, window: WINDOW, runsPerAgent }, 'ingest');
      const after = processUsage(server.child.pid!);
      const seconds = report.elapsedMs / 1000;
      const cpuS = after.cpuS - before.cpuS;
      section.rows.push([mode, fmt(report.stored / seconds, 0), fmt(quantile(report.latencyMs, 0.5)), fmt(quantile(report.latencyMs, 0.99)), fmt(cpuS / seconds, 2), fmt((cpuS * 1000 * 1000) / Math.max(1, report.stored), 0), String(report.rejected)]);
      if (report.exhausted) section.notes.push(`${mode}: the ${runsPerAgent} pre-created runs per agent ran out before the end: the rate is a lower bound.`);
    } catch (error) {
      section.rows.push([mode, `failed: ${(error as Error).message.split('\n')[0]}`, '', '', '', '', '']);
    } finally {
      await sim.stop();
      await server?.stop();
      await install.drop();
    }
  }
  return section;
}
