import type { Agent } from 'node:http';
import { jitter, median } from '../stats/index.js';
import { sleep, throwIfAborted } from './abort.js';
import { keepAliveAgent } from './http-target.js';
import { httpPing, tcpConnectRtt } from './probes.js';
import { EchoSession } from './udp-echo.js';

/** How round trips are measured to a target, best first. */
export type LatencyMethod = 'icmp' | 'udp-echo' | 'http-ping' | 'tcp-connect';

/** Where and how to probe: the address already resolved, so every probe hits the same host. */
export type ProbeRoute =
  | { method: 'udp-echo'; address: string; port: number }
  | { method: 'http-ping'; baseUrl: string; authorization?: string }
  | { method: 'tcp-connect'; address: string; port: number };

export interface LatencyRun {
  method: LatencyMethod;
  /** One entry per probe in send order; undefined = no answer in time. */
  samplesMs: (number | undefined)[];
  /** When each probe left, ms from the start of the run (loaded probes are matched to windows). */
  sentAtMs: number[];
  medianMs: number | undefined;
  jitterMs: number | undefined;
  answered: number;
}

export interface ProbePlan {
  count: number;
  intervalMs: number;
  timeoutMs: number;
}

export function summarise(method: LatencyMethod, samplesMs: (number | undefined)[], sentAtMs: number[]): LatencyRun {
  const answered = samplesMs.filter((s): s is number => s !== undefined);
  return { method, samplesMs, sentAtMs, medianMs: median(answered), jitterMs: jitter(samplesMs), answered: answered.length };
}

/**
 * A fixed number of probes on a fixed schedule (like ping): probe i leaves at i × interval
 * whether or not earlier ones came back, so a slow answer does not stretch the run. UDP probes
 * share one session; HTTP pings share one kept-alive connection opened (and discarded) first,
 * so no probe pays for a TCP handshake.
 */
export async function probeRoundTrips(route: ProbeRoute, plan: ProbePlan, signal: AbortSignal): Promise<LatencyRun> {
  throwIfAborted(signal);
  if (route.method === 'udp-echo') {
    const session = await EchoSession.open(route.address, route.port);
    try {
      const t0 = performance.now();
      for (let i = 0; i < plan.count; i++) {
        session.send();
        if (i < plan.count - 1) await sleep(plan.intervalMs, signal);
      }
      const deadline = performance.now() + plan.timeoutMs;
      while (session.answered() < plan.count && performance.now() < deadline) await sleep(5, signal);
      return summarise('udp-echo', session.probes.map((p) => p.rttMs), session.probes.map((p) => p.sentMs - t0));
    } finally {
      session.close();
    }
  }
  const agent = route.method === 'http-ping' ? keepAliveAgent(route.baseUrl, 1) : undefined;
  try {
    const once = (): Promise<number | undefined> =>
      route.method === 'http-ping' ? httpPing(route.baseUrl, agent!, route.authorization, plan.timeoutMs) : tcpConnectRtt(route.address, route.port, plan.timeoutMs);
    if (route.method === 'http-ping') await once(); // opens the connection; its handshake is not latency
    const t0 = performance.now();
    const samples: (number | undefined)[] = [];
    const sentAt: number[] = [];
    for (let i = 0; i < plan.count; i++) {
      throwIfAborted(signal);
      const due = t0 + i * plan.intervalMs;
      if (performance.now() < due) await sleep(due - performance.now(), signal);
      sentAt.push(performance.now() - t0);
      samples.push(await once());
    }
    return summarise(route.method, samples, sentAt);
  } finally {
    (agent as Agent | undefined)?.destroy();
  }
}

/**
 * Probes running in the background while a direction is loaded (bufferbloat). `stop()` ends
 * them and returns every probe with its send time, measured from `t0` (the phase's start).
 */
export function startLoadedProbes(route: ProbeRoute, intervalMs: number, timeoutMs: number, t0: number): { stop(): Promise<LatencyRun> } {
  const controller = new AbortController();
  const done = (async (): Promise<LatencyRun> => {
    if (route.method === 'udp-echo') {
      const session = await EchoSession.open(route.address, route.port);
      try {
        while (!controller.signal.aborted) {
          session.send();
          await sleep(intervalMs, controller.signal).catch(() => {});
        }
        // Give the last probes their chance to come back through the queue they measure.
        const deadline = performance.now() + timeoutMs;
        while (session.answered() < session.probes.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        return summarise('udp-echo', session.probes.map((p) => p.rttMs), session.probes.map((p) => p.sentMs - t0));
      } finally {
        session.close();
      }
    }
    const agent = route.method === 'http-ping' ? keepAliveAgent(route.baseUrl, 1) : undefined;
    const samples: (number | undefined)[] = [];
    const sentAt: number[] = [];
    try {
      while (!controller.signal.aborted) {
        const started = performance.now();
        sentAt.push(started - t0);
        // Only probes sent inside the steady window count, so the first one's handshake never does.
        samples.push(route.method === 'http-ping' ? await httpPing(route.baseUrl, agent!, route.authorization, timeoutMs) : await tcpConnectRtt(route.address, route.port, timeoutMs));
        await sleep(Math.max(0, intervalMs - (performance.now() - started)), controller.signal).catch(() => {});
      }
      return summarise(route.method, samples, sentAt);
    } finally {
      agent?.destroy();
    }
  })();
  return {
    async stop() {
      controller.abort();
      return done;
    },
  };
}
