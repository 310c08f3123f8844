// A bare agent-protocol client for tests: speaks the wire format directly, so tests can send
// exactly what they want (including what a real agent never would).
import WebSocket from 'ws';
import type { AgentMessage, ServerMessage } from '../../src/agents/protocol.js';
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
