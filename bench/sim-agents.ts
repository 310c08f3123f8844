// The simulated fleet: real WebSocket clients speaking the agent protocol, in their own process
// (so the server's CPU and memory are its own). Driven by the bench over Node IPC
// (bench/sim-protocol.ts). Started by bench/sim-client.ts with `node --import tsx`.
import WebSocket from 'ws';
import type { AgentMessage, ServerMessage } from '../src/agents/protocol.js';
import type { DispatchReport, IngestReport, SimAgent, SimCommand, SimReply, SimStats } from './sim-protocol.js';
import { benchRunId, sleep } from './stats.js';

class Agent {
  ws: WebSocket | undefined;
  open = false;
  seq = 0;
  heartbeatTimer: NodeJS.Timeout | undefined;
  lastHeartbeatAt = 0;
  /** Ingest: result sent at (performance.now) per run id. */
  readonly pending = new Map<string, number>();
  onJob: ((runId: string) => void) | undefined;
  onAck: ((outcome: string, runId: string) => void) | undefined;

  constructor(readonly spec: SimAgent) {}

  send(message: AgentMessage) {
    this.ws?.send(JSON.stringify(message));
  }
}

const agents: Agent[] = [];
const stats: SimStats = { open: 0, closed: 0, heartbeatAcks: 0, errors: [] };
const noteError = (message: string) => {
  if (stats.errors.length < 20) stats.errors.push(message);
};

function connectOne(agent: Agent, baseUrl: string, heartbeatS: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/agent/ws`, { headers: { authorization: `Bearer ${agent.spec.credential}` }, perMessageDeflate: false });
    agent.ws = ws;
    const timer = setTimeout(() => reject(new Error(`${agent.spec.name}: no welcome within 60 s`)), 60_000);
    ws.on('open', () => agent.send({ type: 'hello', protocol: 1, version: 'bench', capabilities: {}, sent_at: new Date().toISOString() }));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      switch (message.type) {
        case 'welcome': {
          clearTimeout(timer);
          agent.open = true;
          stats.open++;
          // Heartbeats spread over the interval, as a real fleet's would be.
          const beat = () => {
            agent.lastHeartbeatAt = Date.now();
            agent.send({ type: 'heartbeat', seq: agent.seq++, sent_at: new Date().toISOString(), health: {} });
          };
          agent.heartbeatTimer = setTimeout(() => {
            beat();
            agent.heartbeatTimer = setInterval(beat, heartbeatS * 1000);
          }, Math.random() * heartbeatS * 1000);
          resolve();
          return;
        }
        case 'heartbeat_ack':
          stats.heartbeatAcks++;
          return;
        case 'job':
          agent.onJob?.(message.run_id);
          return;
        case 'result_ack':
          agent.onAck?.(message.outcome, message.run_id);
          return;
        case 'error':
          noteError(`${agent.spec.name}: ${message.code} ${message.message}`);
          return;
      }
    });
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      clearTimeout(timer);
      reject(new Error(`${agent.spec.name}: HTTP ${res.statusCode}`));
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('close', (code, reason) => {
      if (agent.open) {
        stats.open--;
        stats.closed++;
        noteError(`${agent.spec.name}: closed ${code} ${reason.toString()}`);
      }
      agent.open = false;
      clearTimeout(agent.heartbeatTimer);
      clearInterval(agent.heartbeatTimer);
    });
  });
}

async function connectAll(command: Extract<SimCommand, { cmd: 'connect' }>): Promise<SimReply> {
  const started = performance.now();
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const fresh = command.agents.map((spec) => new Agent(spec));
  agents.push(...fresh);
  const lane = async () => {
    while (next < fresh.length) {
      const agent = fresh[next++]!;
      try {
        await connectOne(agent, command.baseUrl, command.heartbeatS);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, lane));
  return { type: 'connected', open: stats.open, failed, elapsedMs: performance.now() - started, ...(firstError ? { firstError } : {}) };
}

function probeResult(runId: string): AgentMessage {
  const now = new Date().toISOString();
  return { type: 'result', run_id: runId, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1:9/tcp', metrics: { connect_ms: 0.2 + Math.random() }, details: { state: 'open' }, method: { engine: 'bench' } } };
}

/** Each agent keeps `window` results in flight, each for the next of its pre-created runs. */
async function ingest(command: Extract<SimCommand, { cmd: 'ingest' }>): Promise<SimReply> {
  const live = agents.filter((a) => a.open);
  const report: IngestReport = { stored: 0, duplicate: 0, rejected: 0, sent: 0, elapsedMs: 0, latencyMs: [], exhausted: false };
  const started = performance.now();
  const endAt = started + command.durationS * 1000;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const finishIfDone = () => {
      if (performance.now() >= endAt && inFlight === 0) resolve();
    };
    for (const agent of live) {
      let nextRun = 0;
      const sendNext = () => {
        if (performance.now() >= endAt) return;
        if (nextRun >= command.runsPerAgent) {
          report.exhausted = true;
          return;
        }
        const runId = benchRunId(agent.spec.index, nextRun++);
        agent.pending.set(runId, performance.now());
        inFlight++;
        report.sent++;
        agent.send(probeResult(runId));
      };
      agent.onAck = (outcome, runId) => {
        const sentAt = agent.pending.get(runId);
        if (sentAt === undefined) return;
        agent.pending.delete(runId);
        inFlight--;
        const now = performance.now();
        if (now <= endAt) {
          if (outcome === 'stored') report.stored++;
          else if (outcome === 'duplicate') report.duplicate++;
          else report.rejected++;
          report.latencyMs.push(now - sentAt);
        }
        sendNext();
        finishIfDone();
      };
      for (let i = 0; i < command.window; i++) sendNext();
    }
    const timer = setInterval(() => {
      if (performance.now() >= endAt + 30_000) inFlight = 0; // answers lost: give up waiting
      if (performance.now() >= endAt && inFlight === 0) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
  report.elapsedMs = Math.min(performance.now(), endAt) - started;
  for (const agent of live) agent.onAck = undefined;
  return { type: 'ingest', report };
}

/** On-demand probes through the API, each to a random agent: API call → that agent gets the job. */
async function dispatch(command: Extract<SimCommand, { cmd: 'dispatch' }>): Promise<SimReply> {
  const live = agents.filter((a) => a.open);
  const report: DispatchReport = { latencyMs: [], apiMs: [], failures: [] };
  const one = async () => {
    const agent = live[Math.floor(Math.random() * live.length)]!;
    if (agent.onJob) return; // one at a time per agent
    const t0 = performance.now();
    const received = new Promise<number>((resolve) => {
      agent.onJob = (runId) => {
        resolve(performance.now());
        agent.send(probeResult(runId));
      };
    });
    const timeout = sleep(30_000).then(() => -1);
    const response = await fetch(`${command.baseUrl}/api/speed/probe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${command.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: agent.spec.name, target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 100 }),
    });
    report.apiMs.push(performance.now() - t0);
    if (response.status !== 202 && response.status !== 200) {
      report.failures.push(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
      agent.onJob = undefined;
      return;
    }
    await response.arrayBuffer();
    const at = await Promise.race([received, timeout]);
    agent.onJob = undefined;
    if (at < 0) report.failures.push(`${agent.spec.name}: no job within 30 s`);
    else report.latencyMs.push(at - t0);
  };
  const all: Promise<void>[] = [];
  for (let i = 0; i < command.samples; i++) {
    all.push(one().catch((error) => void report.failures.push(String(error))));
    await sleep(command.intervalMs);
  }
  await Promise.all(all);
  return { type: 'dispatch', report };
}

async function handle(command: SimCommand): Promise<SimReply> {
  switch (command.cmd) {
    case 'connect':
      return connectAll(command);
    case 'ingest':
      return ingest(command);
    case 'dispatch':
      return dispatch(command);
    case 'silence': {
      const agent = agents.find((a) => a.spec.name === command.name);
      if (!agent) return { type: 'error', message: `no agent ${command.name}` };
      clearTimeout(agent.heartbeatTimer);
      clearInterval(agent.heartbeatTimer);
      return { type: 'silenced', lastHeartbeatAt: agent.lastHeartbeatAt };
    }
    case 'stats':
      return { type: 'stats', stats };
    case 'close':
      for (const agent of agents) {
        clearTimeout(agent.heartbeatTimer);
        clearInterval(agent.heartbeatTimer);
        agent.ws?.terminate();
      }
      return { type: 'closed' };
  }
}

process.on('message', (command: SimCommand) => {
  handle(command).then(
    (reply) => process.send!(reply),
    (error) => process.send!({ type: 'error', message: String((error as Error)?.stack ?? error) } satisfies SimReply),
  );
});
process.on('disconnect', () => process.exit(0));
