import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { AgentHealth, ServerMessage } from './protocol.js';

/** One agent's live socket on this server process. */
export class AgentConnection {
  readonly id = randomUUID();
  helloReceived = false;
  badMessages = 0;
  /** server clock − agent clock, from the agent's heartbeats. */
  clockOffsetMs = 0;
  health: AgentHealth = {};
  /** Runs sent to this connection and not finished (progress for others is checked against the database). */
  readonly activeRuns = new Set<string>();
  /** Results of this connection being stored now (see AgentHub: stored alongside later messages). */
  readonly resultsStoring = new Set<Promise<void>>();
  unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    readonly agentId: string,
    readonly agentName: string,
    readonly socket: WebSocket,
    readonly remoteAddress: string,
  ) {}

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ServerMessage): boolean {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close(code: number, reason: string, message?: string): void {
    if (message) this.send({ type: 'error', code: String(code), message });
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason.slice(0, 120));
  }
}

/** Close codes the agent understands (4xxx: application-defined). */
export const CloseCode = {
  badMessages: 4400,
  unauthorized: 4401,
  retired: 4403,
  helloTimeout: 4408,
  replaced: 4409,
  serverShutdown: 1001,
} as const;
