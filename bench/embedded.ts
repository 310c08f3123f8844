// Scenario 6, embedded mode: memory of `npm start` (flux-speed all: server, worker and the
// built-in agent in one process, PGlite) idle and with a moderate fleet.
import type { BenchConfig } from '../src/config/bench.js';
import { createInstallation, type Mode } from './installation.js';
import { processUsage, startFlux, type Flux } from './processes.js';
import { seedAgents } from './seed.js';
import type { Section } from './section.js';
import { SimFleet } from './sim-client.js';
import { fmt, sleep } from './stats.js';

const FLEET = 200;

export async function embeddedScenario(config: BenchConfig, _modes: Mode[]): Promise<Section> {
  const settleS = config.quick ? 10 : 30;
  const section: Section = {
    heading: 'Embedded mode',
    intro: `\`flux-speed all\` (what \`npm start\` runs: server, worker and the built-in agent LOCAL in one process on PGlite), RSS ${settleS} s after start, then with ${FLEET} simulated agents heartbeating every 15 s (${settleS} s after they connected).`,
    columns: ['state', 'RSS MB', 'CPU % (over the wait)'],
    rows: [],
    notes: [],
  };
  const install = await createInstallation(config, 'embedded');
  const sim = SimFleet.start();
  let flux: Flux | undefined;
  try {
    const db = await install.open();
    const agents = await seedAgents(db, FLEET);
    await db.close();
    flux = await startFlux('all', install.env);
    const pid = flux.child.pid!;
    const start = processUsage(pid);
    await sleep(settleS * 1000);
    const idle = processUsage(pid);
    section.rows.push(['idle', fmt(idle.rssMb, 0), fmt(((idle.cpuS - start.cpuS) / settleS) * 100)]);
    const connected = await sim.request({ cmd: 'connect', baseUrl: flux.baseUrl, agents, heartbeatS: 15, concurrency: 20 }, 'connected');
    const busyFrom = processUsage(pid);
    await sleep(settleS * 1000);
    const busy = processUsage(pid);
    section.rows.push([`${connected.open} agents`, fmt(busy.rssMb, 0), fmt(((busy.cpuS - busyFrom.cpuS) / settleS) * 100)]);
  } finally {
    await sim.stop();
    await flux?.stop();
    await install.drop();
  }
  return section;
}
