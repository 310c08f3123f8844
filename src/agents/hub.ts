import type { WebSocket } from 'ws';
import type { AppContext } from '../app/context.js';
import { expectedDurationMs } from '../runs/expected-duration.js';
import { publishRunProgress, publishRunStatus } from '../runs/events.js';
import { lockQueuedRuns, transitionRun, type Run } from '../runs/repository.js';
import { acceptResult, agentChannel, type AgentChannelMessage, type ResultHook } from '../runs/service.js';
import type { MeasurementJob } from '../measurements/job.js';
import { AgentConnection, CloseCode } from './connection.js';
import { AGENT_PROTOCOL_VERSION, decodeAgentMessage, type AgentMessage } from './protocol.js';
import { findAgent } from './repository.js';
import { flushHeartbeats, recordHello } from './presence.js';
import { ResultBatcher } from './result-batcher.js';

const MAX_BAD_MESSAGES = 5;
const HELLO_TIMEOUT_MS = 10_000;
/** Results of one connection stored at once; further messages of that agent wait beyond this. */
const MAX_RESULTS_STORING = 32;

export interface HubOptions {
  resultHooks?: ResultHook[];
  /** How often heartbeats are written to the database (batched). */
  flushEveryMs?: number;
  /** How often queued runs of connected agents are dispatched even without a wake-up message. */
  sweepEveryMs?: number;
}

/** A queued run older than this with its agent connected here missed its wake-up (a bus outage). */
const SWEEP_MIN_AGE_MS = 2_000;

/**
 * The agents connected to this server process: authenticates nothing (the route did), speaks the
 * protocol, dispatches queued runs, and relays progress and results. Other processes reach an
 * agent through its bus channel, so any replica can serve any API call.
 */
export class AgentHub {
  private readonly connections = new Map<string, AgentConnection>();
  private readonly seen = new Map<string, { at: Date; health: AgentConnection['health'] }>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** PostgreSQL only: on PGlite one in-process connection serialises everything anyway, and batching measured no better there. */
  private readonly results: ResultBatcher | undefined;
  private sweeping = false;

  constructor(private readonly ctx: AppContext, private readonly options: HubOptions = {}) {
    this.results = ctx.db.kind === 'postgres' ? new ResultBatcher(ctx, options.resultHooks ?? []) : undefined;
    this.flushTimer = setInterval(() => void this.flush(), options.flushEveryMs ?? 1000);
    this.sweepTimer = setInterval(() => void this.sweep(), options.sweepEveryMs ?? 5000);
  }

  /**
   * Wake-ups travel by pub/sub, which drops messages published while Redis restarts: a run
   * queued then would wait until it times out. So, now and then, dispatch what is still queued.
   */
  async sweep(): Promise<void> {
    if (this.sweeping || this.connections.size === 0) return;
    this.sweeping = true;
    try {
      const ids = [...this.connections.values()].filter((c) => c.helloReceived).map((c) => c.agentId);
      if (ids.length === 0) return;
      const rows = await this.ctx.db.query<{ agent_id: string }>(
        "SELECT DISTINCT agent_id FROM runs WHERE status = 'queued' AND agent_id = ANY($1::uuid[]) AND created_at < $2",
        [ids, new Date(Date.now() - SWEEP_MIN_AGE_MS)],
      );
      for (const { agent_id } of rows) {
        const conn = this.connections.get(agent_id);
        if (conn?.open) await this.dispatchPending(conn, false);
      }
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'dispatch sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  get size(): number {
    return this.connections.size;
  }

  isConnected(agentId: string): boolean {
    return this.connections.has(agentId);
  }

  async accept(socket: WebSocket, agent: { agentId: string; agentName: string }, remoteAddress: string): Promise<void> {
    const conn = new AgentConnection(agent.agentId, agent.agentName, socket, remoteAddress);
    const log = this.ctx.log.child({ agent: agent.agentName, connection: conn.id });
    const helloTimer = setTimeout(() => conn.close(CloseCode.helloTimeout, 'hello expected', 'send hello first'), HELLO_TIMEOUT_MS);
    // Messages are handled one at a time, in order (a result never overtakes its progress);
    // heartbeats are answered at once so a slow database cannot inflate the measured RTT.
    let queue = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.badMessage(conn, 'binary frames are not part of the protocol');
      const raw = data.toString();
      if (conn.helloReceived && raw.includes('"heartbeat"') && this.onHeartbeat(conn, raw)) return;
      queue = queue.then(() => this.onMessage(conn, raw)).catch((error) => log.error({ err: error }, 'agent message failed'));
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      void this.detach(conn);
      log.info('agent disconnected');
    });
    socket.on('error', (error) => log.warn({ err: error }, 'agent socket error'));
    socket.once('message', () => clearTimeout(helloTimer));

    // The newest connection of an agent wins, here and on every other replica.
    this.connections.get(conn.agentId)?.close(CloseCode.replaced, 'replaced by a newer connection');
    this.connections.set(conn.agentId, conn);
    conn.unsubscribe = await this.ctx.bus.subscribe(agentChannel(conn.agentId), (message) => void this.onChannel(conn, message as AgentChannelMessage));
    await this.ctx.bus.publish(agentChannel(conn.agentId), { type: 'takeover', connection: conn.id } satisfies AgentChannelMessage);
    log.info({ address: remoteAddress }, 'agent connected');
  }

  private async detach(conn: AgentConnection) {
    await conn.unsubscribe?.().catch(() => {});
    if (this.connections.get(conn.agentId) === conn) this.connections.delete(conn.agentId);
  }

  private badMessage(conn: AgentConnection, reason: string) {
    conn.badMessages++;
    this.ctx.log.warn({ agent: conn.agentName, reason }, 'bad agent message');
    conn.send({ type: 'error', code: 'bad_message', message: reason });
    if (conn.badMessages >= MAX_BAD_MESSAGES) conn.close(CloseCode.badMessages, 'too many bad messages');
  }

  private async onMessage(conn: AgentConnection, raw: string) {
    const decoded = decodeAgentMessage(raw);
    if (!decoded.ok) return this.badMessage(conn, decoded.error!);
    const message = decoded.message!;
    if (!conn.helloReceived && message.type !== 'hello') return this.badMessage(conn, 'hello expected first');
    switch (message.type) {
      case 'hello':
        return this.onHello(conn, message);
      case 'heartbeat':
        return this.recordHeartbeat(conn, message);
      case 'ack':
        if (!(await this.ownsActiveRun(conn, message.run_id))) return this.badMessage(conn, `ack for a run that is not yours or not active: ${message.run_id}`);
        return;
      case 'started':
        return this.onStarted(conn, message.run_id, message.started_at);
      case 'progress':
        if (!(await this.ownsActiveRun(conn, message.run_id))) return this.badMessage(conn, `progress for a run that is not yours or not active: ${message.run_id}`);
        await this.markRunning(conn, message.run_id, new Date());
        await publishRunProgress(this.ctx.bus, message.run_id, message.progress);
        return;
      case 'result': {
        // Everything before the result (its run's progress) has been handled; the messages after
        // it (other runs' results, uploaded from the buffer one after another) need not wait for
        // its commit, so an agent's results share transactions. Bounded per connection.
        while (conn.resultsStoring.size >= MAX_RESULTS_STORING) await Promise.race(conn.resultsStoring);
        const storing: Promise<void> = this.storeResult(conn, message)
          .catch((error) => this.ctx.log.error({ err: error, agent: conn.agentName, run: message.run_id }, 'result handling failed'))
          .finally(() => conn.resultsStoring.delete(storing));
        conn.resultsStoring.add(storing);
        return;
      }
      case 'reject': {
        if (!(await this.ownsActiveRun(conn, message.run_id))) return this.badMessage(conn, `reject for a run that is not yours or not active: ${message.run_id}`);
        const run = await transitionRun(this.ctx.db, message.run_id, 'failed', { reason: `agent refused the job: ${message.reason}`, finishedAt: new Date() });
        conn.activeRuns.delete(message.run_id);
        if (run) await publishRunStatus(this.ctx.bus, run);
        return;
      }
    }
  }

  /** Stores one result and answers it: stored, duplicate, rejected, or retry (storage unreachable). */
  private async storeResult(conn: AgentConnection, message: Extract<AgentMessage, { type: 'result' }>): Promise<void> {
    let outcome;
    try {
      outcome = this.results
        ? await this.results.submit({ agentId: conn.agentId, runId: message.run_id, result: message.result, clockOffsetMs: conn.clockOffsetMs })
        : await acceptResult(this.ctx, conn.agentId, message.run_id, message.result, { clockOffsetMs: conn.clockOffsetMs, hooks: this.options.resultHooks });
    } catch (error) {
      // Storage unreachable (a database restart): the agent keeps the result and resends it.
      this.ctx.log.error({ err: error, agent: conn.agentName, run: message.run_id }, 'result not stored; agent told to retry');
      conn.send({ type: 'result_ack', run_id: message.run_id, outcome: 'retry', reason: 'the server could not store the result now' });
      return;
    }
    conn.activeRuns.delete(message.run_id);
    if (outcome.outcome === 'rejected') this.ctx.log.warn({ agent: conn.agentName, run: message.run_id, reason: outcome.reason }, 'result rejected');
    conn.send({ type: 'result_ack', run_id: message.run_id, ...outcome });
  }

  /** True when the raw message was a valid heartbeat and has been handled. */
  private onHeartbeat(conn: AgentConnection, raw: string): boolean {
    const decoded = decodeAgentMessage(raw);
    if (!decoded.ok || decoded.message!.type !== 'heartbeat') return false;
    this.recordHeartbeat(conn, decoded.message!);
    return true;
  }

  private recordHeartbeat(conn: AgentConnection, message: Extract<AgentMessage, { type: 'heartbeat' }>) {
    conn.health = message.health;
    if (message.health.clock_offset_ms !== undefined) conn.clockOffsetMs = message.health.clock_offset_ms;
    this.seen.set(conn.agentId, { at: new Date(), health: message.health });
    conn.send({ type: 'heartbeat_ack', seq: message.seq, server_time: new Date().toISOString() });
  }

  private async onHello(conn: AgentConnection, hello: Extract<AgentMessage, { type: 'hello' }>) {
    if (hello.protocol !== AGENT_PROTOCOL_VERSION) {
      return conn.close(CloseCode.badMessages, 'protocol version', `this server speaks agent protocol ${AGENT_PROTOCOL_VERSION}, the agent ${hello.protocol}`);
    }
    if (conn.helloReceived) return this.badMessage(conn, 'hello sent twice');
    conn.helloReceived = true;
    const agentClock = Date.parse(hello.sent_at);
    if (Number.isFinite(agentClock)) conn.clockOffsetMs = Date.now() - agentClock;
    const agent = await recordHello(this.ctx, conn, hello);
    if (!agent) return conn.close(CloseCode.retired, 'retired', 'this agent has been retired');
    conn.send({ type: 'welcome', agent_id: conn.agentId, name: agent.name, heartbeat_s: this.ctx.config.agentHeartbeatS, server_time: new Date().toISOString() });
    if (hello.active_runs) await this.failForgottenRuns(conn, hello.active_runs);
    await this.dispatchPending(conn, true);
  }

  /** Runs running on this agent that it no longer knows (it restarted mid-test) end failed at once. */
  private async failForgottenRuns(conn: AgentConnection, known: string[]) {
    const lost = await this.ctx.db.query<{ id: string }>("SELECT id FROM runs WHERE agent_id = $1 AND status = 'running' AND NOT (id = ANY($2::uuid[]))", [conn.agentId, known]);
    for (const { id } of lost) {
      const run = await transitionRun(this.ctx.db, id, 'failed', { reason: 'the agent went away during the test (it restarted and the measurement was lost)', finishedAt: new Date() });
      if (!run) continue;
      this.ctx.log.warn({ agent: conn.agentName, run: id }, 'run lost by an agent restart');
      await publishRunStatus(this.ctx.bus, run);
    }
  }

  private async ownsActiveRun(conn: AgentConnection, runId: string): Promise<boolean> {
    if (conn.activeRuns.has(runId)) return true;
    const [row] = await this.ctx.db.query<{ agent_id: string; status: string }>('SELECT agent_id, status FROM runs WHERE id = $1', [runId]);
    const owned = row?.agent_id === conn.agentId && ['dispatched', 'running'].includes(row.status);
    if (owned) conn.activeRuns.add(runId);
    return owned;
  }

  private async onStarted(conn: AgentConnection, runId: string, startedAtText: string) {
    if (!(await this.ownsActiveRun(conn, runId))) return this.badMessage(conn, `started for a run that is not yours or not active: ${runId}`);
    const startedAt = new Date(Math.min(Date.now(), Date.parse(startedAtText) + conn.clockOffsetMs || Date.now()));
    await this.markRunning(conn, runId, startedAt);
  }

  private async markRunning(conn: AgentConnection, runId: string, startedAt: Date) {
    const [row] = await this.ctx.db.query<{ status: string; kind: string; spec: MeasurementJob['spec'] }>('SELECT status, kind, spec FROM runs WHERE id = $1', [runId]);
    if (row?.status !== 'dispatched') return;
    const job = { kind: row.kind, spec: row.spec } as MeasurementJob;
    const deadline = new Date(startedAt.getTime() + expectedDurationMs(job) + this.ctx.config.runTimeoutGraceS * 1000);
    const run = await transitionRun(this.ctx.db, runId, 'running', { startedAt, deadlineAt: deadline, at: startedAt });
    if (run) await publishRunStatus(this.ctx.bus, run);
  }

  private async onChannel(conn: AgentConnection, message: AgentChannelMessage) {
    switch (message.type) {
      case 'dispatch':
        if (conn.helloReceived) await this.dispatchPending(conn, false);
        return;
      case 'cancel':
        if (conn.activeRuns.delete(message.run_id)) conn.send({ type: 'cancel', run_id: message.run_id, reason: message.reason });
        return;
      case 'takeover':
        if (message.connection !== conn.id) conn.close(CloseCode.replaced, 'replaced by a newer connection');
        return;
      case 'refresh': {
        const agent = await findAgent(this.ctx.db, conn.agentId);
        if (!agent || agent.retired_at || agent.credential_revoked_at) conn.close(CloseCode.retired, 'retired', 'this agent has been retired or its credential revoked');
        return;
      }
    }
  }

  /**
   * Sends the agent its queued runs (and, after a reconnect, runs dispatched but never started).
   * Each run is claimed in a transaction, so two processes never send the same run.
   */
  async dispatchPending(conn: AgentConnection, includeDispatched: boolean): Promise<void> {
    const now = new Date();
    const graceMs = this.ctx.config.runTimeoutGraceS * 1000;
    const sent = await this.ctx.db.transaction(async (tx) => {
      const runs = await lockQueuedRuns(tx, conn.agentId, includeDispatched ? ['queued', 'dispatched'] : ['queued']);
      if (runs.length === 0) return [] as Run[];
      // Exclusive runs wait for each other on the agent: each one's deadline is after the last.
      const [busy] = await tx.query<{ until: Date | null }>(
        "SELECT max(deadline_at) AS until FROM runs WHERE agent_id = $1 AND exclusive AND status IN ('dispatched', 'running') AND NOT (id = ANY($2::uuid[]))",
        [conn.agentId, runs.map((r) => r.id)],
      );
      let exclusiveFrom = Math.max(now.getTime(), busy?.until?.getTime() ?? 0);
      const out: Run[] = [];
      for (const run of runs) {
        const expected = expectedDurationMs({ kind: run.kind, spec: run.spec } as MeasurementJob);
        let deadline = now.getTime() + expected + graceMs;
        if (run.exclusive) deadline = exclusiveFrom = exclusiveFrom + expected + graceMs;
        const updated = await transitionRun(tx, run.id, 'dispatched', {
          dispatchedAt: now,
          deadlineAt: new Date(deadline),
          note: run.status === 'dispatched' ? 're-sent after the agent reconnected' : undefined,
          at: now,
        });
        if (updated) out.push(updated);
      }
      return out;
    });
    for (const run of sent) {
      conn.activeRuns.add(run.id);
      conn.send({ type: 'job', run_id: run.id, job: { kind: run.kind, spec: run.spec } as MeasurementJob, exclusive: run.exclusive, deadline_at: run.deadline_at.toISOString() });
      await publishRunStatus(this.ctx.bus, run);
    }
  }

  /** Writes the heartbeats received since the last flush in one statement, and re-evaluates states. */
  async flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.seen.size === 0) return;
      const batch = [...this.seen.entries()];
      this.seen.clear();
      try {
        await flushHeartbeats(this.ctx, batch);
      } catch (error) {
        this.ctx.log.error({ err: error }, 'heartbeat flush failed');
        for (const [id, value] of batch) if (!this.seen.has(id)) this.seen.set(id, value);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.sweepTimer);
    for (const conn of this.connections.values()) conn.close(CloseCode.serverShutdown, 'server shutting down');
    await this.flush();
  }
}
