// Scenario 2, fleet: N simulated agents on one server process, heartbeating every 15 s. What
// the server costs per 1,000 agents, how fast an on-demand test reaches its agent under that
// load, and how long a silent agent takes to be marked OFFLINE.
import type { BenchConfig } from '../src/config/bench.js';
import { ADMIN_PASSWORD, createInstallation, type Mode } from './installation.js';
import { login, processUsage, startFlux, type Flux } from './processes.js';
import { seedAgents } from './seed.js';
import type { Section } from './section.js';
import { SimFleet } from './sim-client.js';
import { fmt, quantile, sleep } from './stats.js';

const HEARTBEAT_S = 15;
const OFFLINE_AFTER_S = 30;

export async function fleetScenario(config: BenchConfig, modes: Mode[]): Promise<Section> {
  const windowS = config.quick ? 20 : 40;
  const samples = config.quick ? 40 : 100;
  const section: Section = {
    heading: 'Fleet',
    intro: `N simulated agents (real WebSocket clients in a separate process) connect to one server process and heartbeat every ${HEARTBEAT_S} s (spread over the interval). Server CPU over a ${windowS} s window of heartbeats only, and its RSS at the end of it; then ${samples} on-demand probes through \`POST /api/speed/probe\` (one every 100 ms, random agents): latency from the API call to the agent receiving the job. OFFLINE: one agent stops heartbeating (socket left open), with AGENT_OFFLINE_AFTER_S=${OFFLINE_AFTER_S}; time from its last heartbeat to the API showing OFFLINE. PostgreSQL mode: \`flux-speed server\` + \`flux-speed worker\`; embedded: \`flux-speed all\`.`,
    columns: ['mode', 'agents', 'connect all (s)', 'server CPU % (heartbeats)', 'CPU % per 1,000', 'RSS MB', 'dispatch p50 ms', 'dispatch p99 ms', 'silent → OFFLINE s'],
    rows: [],
    notes: [`\`ulimit -n\` here is ${await openFileLimit()}: each agent is one socket on the server and one in the simulator (the bench cannot raise it for its children; raise it in the shell or the unit file for bigger fleets).`],
  };
  for (const mode of modes) {
    const rss: [number, number][] = [];
    for (const size of config.fleetSizes) {
      if (mode === 'embedded' && size > 1000) continue;
      const row = await oneFleet(config, mode, size, windowS, samples).catch((error) => [mode, String(size), `failed: ${(error as Error).message.split('\n')[0]}`, '', '', '', '', '', '']);
      section.rows.push(row);
      const mb = Number(row[5]?.replace(/,/g, ''));
      if (Number.isFinite(mb) && mb > 0) rss.push([size, mb]);
    }
    // Memory per agent from the slope between the smallest and largest fleet (a single process's
    // RSS right after start is too noisy a baseline).
    if (rss.length >= 2) {
      const [first, last] = [rss[0]!, rss.at(-1)!];
      section.notes.push(`${mode}: server RSS grows by ${fmt(((last[1] - first[1]) / (last[0] - first[0])) * 1000, 1)} MB per 1,000 agents (from ${first[0].toLocaleString('en-US')} to ${last[0].toLocaleString('en-US')} agents).`);
    }
  }
  if (modes.includes('embedded') && config.fleetSizes.some((s) => s > 1000)) section.notes.push('Embedded mode runs fleets up to 1,000 agents only (it is meant for small installations).');
  return section;
}

async function openFileLimit(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 'unknown';
}

async function oneFleet(config: BenchConfig, mode: Mode, size: number, windowS: number, samples: number): Promise<string[]> {
  const install = await createInstallation(config, mode);
  const sim = SimFleet.start();
  const procs: Flux[] = [];
  try {
    const db = await install.open();
    const agents = await seedAgents(db, size);
    await db.close();
    const env = { ...install.env, LOCAL_AGENT: '', AGENT_HEARTBEAT_S: String(HEARTBEAT_S), AGENT_OFFLINE_AFTER_S: String(OFFLINE_AFTER_S) };
    const server = await startFlux(mode === 'postgres' ? 'server' : 'all', env, ['--max-old-space-size=4096']);
    procs.push(server);
    if (mode === 'postgres') procs.push(await startFlux('worker', env));
    await sleep(3000);
    const connected = await sim.request({ cmd: 'connect', baseUrl: server.baseUrl, agents, heartbeatS: HEARTBEAT_S, concurrency: 50 }, 'connected');
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${size} agents failed to connect: ${connected.firstError}`);
    // One full heartbeat round, so every agent has beaten once and the connect burst is over.
    await sleep(HEARTBEAT_S * 1000);
    const silent = agents[0]!;
    const { lastHeartbeatAt } = await sim.request({ cmd: 'silence', name: silent.name }, 'silenced');
    const before = processUsage(server.child.pid!);
    await sleep(windowS * 1000);
    const after = processUsage(server.child.pid!);
    const cpuPct = ((after.cpuS - before.cpuS) / windowS) * 100;
    const token = await login(server.baseUrl, ADMIN_PASSWORD);
    const { report } = await sim.request({ cmd: 'dispatch', baseUrl: server.baseUrl, token, samples, intervalMs: 100 }, 'dispatch');
    const offlineS = await waitOffline(server.baseUrl, token, silent.id, lastHeartbeatAt);
    const stats = await sim.request({ cmd: 'stats' }, 'stats');
    const row = [mode, size.toLocaleString('en-US'), fmt(connected.elapsedMs / 1000), fmt(cpuPct), fmt((cpuPct / size) * 1000, 2), fmt(after.rssMb, 0), fmt(quantile(report.latencyMs, 0.5)), fmt(quantile(report.latencyMs, 0.99)), fmt(offlineS)];
    if (report.failures.length > 0) row[7] += ` (${report.failures.length} failed: ${report.failures[0]})`;
    if (stats.stats.closed > 0) row[2] += ` (${stats.stats.closed} dropped)`;
    return row;
  } finally {
    await sim.stop();
    for (const p of procs.reverse()) await p.stop();
    await install.drop();
  }
}

async function waitOffline(baseUrl: string, token: string, agentId: string, lastHeartbeatAt: number): Promise<number> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/api/speed/nodes/${agentId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { state?: string; state_changed_at?: string };
    // The server's own time of the change (we may look later than it happened).
    if (body.state === 'OFFLINE') return ((body.state_changed_at ? Date.parse(body.state_changed_at) : Date.now()) - lastHeartbeatAt) / 1000;
    await sleep(250);
  }
  return Number.NaN;
}
