// A bare agent-protocol client for tests: speaks the wire format directly, so tests can send
// exactly what they want (including what a real agent never would).
import WebSocket from 'ws';
import type { AgentMessage, ServerMessage } from '../../src/agents/protocol.js';
import type { Api } from './processes.js';
import { until } from './wait.js';

export class ProtocolClient {
  readonly received: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as ServerMessage));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async connect(baseUrl: string, credential: string): Promise<ProtocolClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/agent/ws`, { headers: { authorization: `Bearer ${credential}` } });
    const client = new ProtocolClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (req, res) => {
        // With a listener, ws leaves the refused request to us: end it or the socket lingers.
        res.resume();
        req.destroy();
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
      });
    });
    return client;
  }

  send(message: AgentMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async hello(overrides: Partial<Extract<AgentMessage, { type: 'hello' }>> = {}): Promise<Extract<ServerMessage, { type: 'welcome' }>> {
    this.send({ type: 'hello', protocol: 1, version: 'test', capabilities: {}, sent_at: new Date().toISOString(), ...overrides });
    return this.next('welcome');
  }

  /** The first message of a type received after `from` (index), waiting for it. */
  async next<T extends ServerMessage['type']>(type: T, options: { timeoutMs?: number; where?: (m: Extract<ServerMessage, { type: T }>) => boolean } = {}): Promise<Extract<ServerMessage, { type: T }>> {
    return until(
      () => this.received.find((m) => m.type === type && (!options.where || options.where(m as Extract<ServerMessage, { type: T }>))) as Extract<ServerMessage, { type: T }> | undefined,
      { timeoutMs: options.timeoutMs ?? 5000, what: `a ${type} message` },
    );
  }

  async waitClosed(timeoutMs = 5000) {
    return until(() => this.closed, { timeoutMs, what: 'the socket to close' });
  }

  close(): void {
    this.ws.close();
  }
}

export async function registerAgentOverHttp(baseUrl: string, token: string, name: string, location = 'Test Lab') {
  const response = await fetch(`${baseUrl}/api/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name, location }) });
  return { status: response.status, body: (await response.json()) as { agent_id: string; credential: string; message?: string; error?: string } };
}

/**
 * Starts a probe on `agentName` as an operator would, takes the job on the bare client and
 * answers it with the metrics given (the result goes through the server's real ingest path).
 */
export async function measureThrough(api: Api, agent: ProtocolClient, agentName: string, metrics: Record<string, number>): Promise<string> {
  const started = await api.post<{ run_id: string }>('/api/speed/probe', { agent: agentName, target: '127.0.0.1', port: 9 });
  if (started.status !== 202) throw new Error(`probe on ${agentName}: HTTP ${started.status} ${JSON.stringify(started.body)}`);
  const runId = started.body.run_id;
  await agent.next('job', { where: (m) => m.run_id === runId, timeoutMs: 15_000 });
  const now = new Date().toISOString();
  agent.send({ type: 'ack', run_id: runId });
  agent.send({ type: 'started', run_id: runId, started_at: now });
  agent.send({ type: 'result', run_id: runId, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1', metrics, details: {}, method: { engine: 'test' } } });
  const ack = await agent.next('result_ack', { where: (m) => m.run_id === runId, timeoutMs: 15_000 });
  if (ack.outcome !== 'stored') throw new Error(`result for ${runId}: ${JSON.stringify(ack)}`);
  return runId;
}
