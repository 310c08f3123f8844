import { freemem, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { AgentConfig } from '../config/agent.js';
import { AGENT_PROTOCOL_VERSION, MAX_ACTIVE_RUNS_IN_HELLO, MAX_AGENT_MESSAGE_BYTES, decodeServerMessage, type AgentCapabilities, type AgentHealth, type AgentListen, type AgentMessage, type ServerMessage } from '../agents/protocol.js';
import type { MeasurementJob } from '../measurements/job.js';
import { VERSION } from '../version.js';
import { ClockEstimator } from './clock.js';
import { CredentialStore, type StoredCredential } from './credential-store.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { register, RegistrationRefused } from './register.js';
import { JobRunner } from './runner.js';

export interface AgentOptions {
  config: AgentConfig;
  log: Logger;
  capabilities: AgentCapabilities;
  listen?: AgentListen;
}

export interface RunningAgent {
  /** Resolves once the agent has been welcomed by the server the first time. */
  ready: Promise<void>;
  readonly connected: boolean;
  readonly agentId: string | undefined;
  stop(): Promise<void>;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const REFUSED_RETRY_MS = 300_000;
const ACK_TIMEOUT_MS = 30_000;
/** Buffered results sent ahead of their acknowledgements. */
const UPLOAD_WINDOW = 8;
/** After the server said it could not store a result now. */
const RETRY_UPLOAD_MS = 2_000;

/** Exponential backoff with ±30 % jitter so a fleet does not reconnect in lockstep. */
export function backoffMs(attempt: number, minMs = BACKOFF_MIN_MS, maxMs = BACKOFF_MAX_MS): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.7 + Math.random() * 0.6));
}

/**
 * An agent: registers once, then holds an outbound WebSocket to the server (reconnecting with
 * backoff), heartbeats, runs the jobs it is sent, and delivers every result through its on-disk
 * outbox, in order, exactly once as far as the server is concerned.
 */
export function startAgent(options: AgentOptions): RunningAgent {
  const { config, log } = options;
  const store = new CredentialStore(config.dataDir);
  const outbox = new Outbox(config.dataDir, config.bufferMax);
  const clock = new ClockEstimator();
  let credential: StoredCredential | undefined = store.load(config.serverUrl, config.name);
  let socket: WebSocket | undefined;
  let welcomed = false;
  let stopped = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeatSeq = 0;
  const heartbeatsSent = new Map<number, number>();
  const pendingAcks = new Map<string, (outcome: string) => void>();
  let uploading = false;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const wakeUp = new AbortController();

  const send = (message: AgentMessage): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  };

  const serverUrl = new URL(config.serverUrl);
  const serverHost = serverUrl.hostname.replace(/^\[|\]$/g, '');
  // Target `server` is the server as this agent reaches it (SPEED_SERVER_URL, maybe through a
  // proxy), measured with this agent's own credential; the server never puts secrets in a job.
  const prepare = (job: MeasurementJob): MeasurementJob => {
    if (job.kind !== 'speedtest' || !credential) return job;
    const authorization = `Bearer ${credential.credential}`;
    const candidates = job.spec.candidates.map((c) => (c.name === 'server' && c.engine === 'http' ? { ...c, host: serverHost, base_url: serverUrl.origin, authorization } : c));
    return { ...job, spec: { ...job.spec, candidates } };
  };

  const runner = new JobRunner(
    {
      started: (runId, startedAt) => void send({ type: 'started', run_id: runId, started_at: startedAt.toISOString() }),
      progress: (runId, progress) => void send({ type: 'progress', run_id: runId, progress }),
      finished: (runId, result) => {
        outbox.put(runId, result);
        void upload();
      },
    },
    log,
    VERSION,
    prepare,
  );

  const health = (): AgentHealth => {
    outbox.recheck();
    return healthFigures();
  };
  const healthFigures = (): AgentHealth => ({
    load1: Math.round(loadavg()[0]! * 100) / 100,
    mem_free_mb: Math.round(freemem() / 1048576),
    running_jobs: runner.runningCount,
    queued_jobs: runner.queuedCount,
    ...runner.recentFigures(),
    ...(clock.lastRttMs !== undefined ? { rtt_ms: clock.lastRttMs } : {}),
    clock_offset_ms: Math.round(clock.offsetMs),
    buffered_results: outbox.size,
    dropped_results: outbox.dropped,
    ...(outbox.bufferError ? { buffer_error: outbox.bufferError.slice(0, 500) } : {}),
  });

  /**
   * Sends buffered results oldest first, up to UPLOAD_WINDOW awaiting the server's ack at once (a
   * backlog after an outage drains in shared transactions instead of one round trip each). A
   * result leaves the outbox only when the server says it is stored (or a duplicate, or rejected);
   * a `retry` or a lost connection stops sending, and what is left goes again later, oldest first.
   */
  async function upload(): Promise<void> {
    if (uploading || !welcomed) return;
    uploading = true;
    let halted = false;
    const awaiting = new Set<Promise<void>>();
    const deliver = async (entry: OutboxEntry, acked: Promise<string>) => {
      const outcome = await Promise.race([acked, sleep(ACK_TIMEOUT_MS).then(() => 'timeout')]);
      pendingAcks.delete(entry.run_id);
      if (outcome === 'timeout') {
        if (!halted) log.warn({ runId: entry.run_id }, 'no acknowledgement for a result; reconnecting');
        halted = true;
        socket?.terminate();
        return;
      }
      if (outcome === 'retry' || outcome === 'disconnected') {
        // Not stored: kept, and sent again shortly.
        log.warn({ runId: entry.run_id, outcome }, 'result not stored by the server yet; kept for a retry');
        halted = true;
        retryLater();
        return;
      }
      if (outcome === 'rejected') log.warn({ runId: entry.run_id }, 'the server rejected a buffered result; dropped');
      outbox.remove(entry.run_id);
    };
    try {
      for (const entry of outbox.entries()) {
        while (awaiting.size >= UPLOAD_WINDOW && !halted) await Promise.race(awaiting);
        if (halted || !welcomed || stopped) break;
        const acked = new Promise<string>((resolve) => pendingAcks.set(entry.run_id, resolve));
        if (!send({ type: 'result', run_id: entry.run_id, result: entry.result })) {
          pendingAcks.delete(entry.run_id);
          break;
        }
        const delivery: Promise<void> = deliver(entry, acked).finally(() => awaiting.delete(delivery));
        awaiting.add(delivery);
      }
      await Promise.all(awaiting);
    } finally {
      uploading = false;
    }
    if (!halted && welcomed && outbox.size > 0 && !stopped) void upload();
  }

  let retryTimer: NodeJS.Timeout | undefined;
  function retryLater(): void {
    if (retryTimer || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void upload();
    }, RETRY_UPLOAD_MS);
  }

  /** While the WebSocket is down, try the HTTP upload path for buffered results. */
  async function uploadOverHttp(): Promise<void> {
    if (!credential) return;
    for (const entry of outbox.entries()) {
      try {
        const response = await fetch(`${config.serverUrl}/api/agent/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${credential.credential}` },
          body: JSON.stringify({ run_id: entry.run_id, result: entry.result, clock_offset_ms: Math.round(clock.offsetMs) }),
          signal: AbortSignal.timeout(15_000),
        });
        if (!response.ok) return;
        outbox.remove(entry.run_id);
      } catch {
        return;
      }
    }
  }

  function onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome': {
        welcomed = true;
        clock.seed(Date.parse(message.server_time) - Date.now());
        log.info({ agentId: message.agent_id, heartbeatS: message.heartbeat_s }, 'connected to the server');
        clearInterval(heartbeatTimer);
        heartbeatTimer = setInterval(() => {
          const seq = ++heartbeatSeq;
          heartbeatsSent.set(seq, Date.now());
          if (heartbeatsSent.size > 10) heartbeatsSent.delete(Math.min(...heartbeatsSent.keys()));
          send({ type: 'heartbeat', seq, sent_at: new Date().toISOString(), health: health() });
        }, message.heartbeat_s * 1000);
        send({ type: 'heartbeat', seq: ++heartbeatSeq, sent_at: new Date().toISOString(), health: health() });
        heartbeatsSent.set(heartbeatSeq, Date.now());
        resolveReady();
        void upload();
        return;
      }
      case 'heartbeat_ack': {
        const sentAt = heartbeatsSent.get(message.seq);
        if (sentAt !== undefined) clock.add(sentAt, Date.now(), Date.parse(message.server_time));
        heartbeatsSent.delete(message.seq);
        return;
      }
      case 'job':
        send({ type: 'ack', run_id: message.run_id });
        if (runner.knows(message.run_id) || outbox.has(message.run_id)) return;
        runner.submit({
          runId: message.run_id,
          job: message.job,
          exclusive: message.exclusive,
          // The deadline is in the server's clock; stop a moment before it.
          deadlineMs: Date.parse(message.deadline_at) - clock.offsetMs - 1000,
        });
        return;
      case 'cancel':
        runner.cancel(message.run_id, message.reason);
        return;
      case 'result_ack':
        pendingAcks.get(message.run_id)?.(message.outcome);
        return;
      case 'error':
        log.warn({ code: message.code, message: message.message }, 'the server reported an error');
        return;
    }
  }

  /** What the agent measures or holds a result for, told at hello (left out when too many to list). */
  const activeRuns = (): string[] | undefined => {
    const ids = [...runner.knownRunIds(), ...outbox.runIds()];
    return ids.length <= MAX_ACTIVE_RUNS_IN_HELLO ? ids : undefined;
  };

  /** One connection, from open to close. Resolves with how it ended. */
  function connectOnce(): Promise<{ refused?: { status: number; code?: string; message: string }; welcomed: boolean }> {
    return new Promise((resolve) => {
      const url = `${config.serverUrl.replace(/^http/, 'ws')}/api/agent/ws`;
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential!.credential}` }, maxPayload: MAX_AGENT_MESSAGE_BYTES, handshakeTimeout: 15_000 });
      socket = ws;
      let wasWelcomed = false;
      ws.on('unexpected-response', (request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          // With this listener, ws leaves the refused request to us to end.
          request.destroy();
          let parsed: { error?: string; message?: string } = {};
          try {
            parsed = JSON.parse(body);
          } catch {
            /* not JSON */
          }
          resolve({ refused: { status: response.statusCode ?? 0, code: parsed.error, message: parsed.message ?? body.slice(0, 200) }, welcomed: false });
        });
      });
      ws.on('open', () => {
        send({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, version: VERSION, location: config.location, capabilities: options.capabilities, listen: options.listen, sent_at: new Date().toISOString(), active_runs: activeRuns() });
      });
      ws.on('message', (data) => {
        const decoded = decodeServerMessage(data.toString());
        if (!decoded.ok) return log.warn({ error: decoded.error }, 'bad message from the server');
        if (decoded.message!.type === 'welcome') wasWelcomed = true;
        onMessage(decoded.message!);
      });
      ws.on('error', (error) => log.debug({ err: error }, 'connection error'));
      ws.on('close', (code, reason) => {
        welcomed = false;
        clearInterval(heartbeatTimer);
        for (const resolveAck of pendingAcks.values()) resolveAck('disconnected');
        pendingAcks.clear();
        if (!stopped) log.warn({ code, reason: reason.toString() }, 'disconnected from the server');
        resolve({ welcomed: wasWelcomed });
      });
    });
  }

  async function loop(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        if (!credential) credential = await register(config, store, log);
      } catch (error) {
        const refused = error instanceof RegistrationRefused;
        log.error({ err: (error as Error).message }, refused ? 'registration refused' : 'registration failed');
        await sleep(refused ? REFUSED_RETRY_MS : backoffMs(attempt++), undefined, { signal: wakeUp.signal }).catch(() => {});
        continue;
      }
      const outcome = await connectOnce();
      if (stopped) return;
      if (outcome.welcomed) attempt = 0;
      if (outcome.refused?.status === 401) {
        if (outcome.refused.code === 'credential_revoked') {
          log.error(`the server refused this agent: ${outcome.refused.message}. To register again, delete ${config.dataDir}/credential.json and restart with a valid AGENT_TOKEN.`);
          await sleep(REFUSED_RETRY_MS, undefined, { signal: wakeUp.signal }).catch(() => {});
          continue;
        }
        log.warn('the server does not know this credential; registering again with AGENT_TOKEN');
        credential = undefined;
        continue;
      }
      if (outbox.size > 0) await uploadOverHttp();
      await sleep(backoffMs(attempt++), undefined, { signal: wakeUp.signal }).catch(() => {});
    }
  }

  void loop();

  return {
    ready,
    get connected() {
      return welcomed;
    },
    get agentId() {
      return credential?.agent_id;
    },
    async stop() {
      stopped = true;
      wakeUp.abort();
      runner.stop();
      clearInterval(heartbeatTimer);
      clearTimeout(retryTimer);
      socket?.close(1000, 'agent stopping');
    },
  };
}
