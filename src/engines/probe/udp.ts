import dgram from 'node:dgram';
import { fromSocketError, type ProbeOutcome } from './outcome.js';

/**
 * One datagram to an address. A connected UDP socket on Linux surfaces an ICMP port unreachable
 * as ECONNREFUSED, so: reply → open, ECONNREFUSED → closed, silence until `deadline` →
 * open|filtered.
 */
export function udpProbe(address: string, family: 4 | 6, port: number, payload: Buffer, deadline: number, timeoutMs: number, signal: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let sentAt = performance.now();
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const finish = (outcome: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(outcome);
    };
    const onAbort = () => finish({ state: 'error', reason: 'canceled', canceled: true });
    const timer = setTimeout(
      () => finish({ state: 'open|filtered', reason: `no reply and no ICMP port unreachable within ${timeoutMs} ms: a service that ignores the datagram, or a firewall that drops it` }),
      Math.max(0, deadline - performance.now()),
    );
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.on('message', () => finish({ state: 'open', replyMs: performance.now() - sentAt, reason: 'the service replied' }));
    socket.on('error', (error) => finish(fromSocketError(error, 'udp')));
    socket.connect(port, address, () => {
      if (done) return;
      sentAt = performance.now();
      socket.send(payload);
    });
  });
}
