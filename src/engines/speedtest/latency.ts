import type { Agent } from 'node:http';
import { sleep, throwIfAborted } from './abort.js';
import { keepAliveAgent } from './http-target.js';
import { icmpPing, startLoadedPing } from './icmp-ping.js';
import { httpPing, tcpConnectRtt } from './probes.js';
import { summarise, type LatencyRun, type ProbePlan, type ProbeRoute } from './latency-run.js';
import { EchoSession } from './udp-echo.js';

export type { LatencyMethod, LatencyRun, ProbePlan, ProbeRoute } from './latency-run.js';
export { summarise } from './latency-run.js';

/**
 * A fixed number of probes on a fixed schedule (like ping): probe i leaves at i × interval
 * whether or not earlier ones came back, so a slow answer does not stretch the run. UDP probes
 * share one session; HTTP pings share one kept-alive connection opened (and discarded) first,
 * so no probe pays for a TCP handshake.
 */
export async function probeRoundTrips(route: ProbeRoute, plan: ProbePlan, signal: AbortSignal): Promise<LatencyRun> {
  throwIfAborted(signal);
  if (route.method === 'icmp') {
    const rtts = await icmpPing(route.address, plan, signal, route.pingPath);
    return summarise('icmp', rtts ?? Array.from({ length: plan.count }, () => undefined), Array.from({ length: plan.count }, (_, i) => i * plan.intervalMs));
  }
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
  if (route.method === 'icmp') return startLoadedPing(route.address, intervalMs, t0, route.pingPath);
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
