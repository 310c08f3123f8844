import net from 'node:net';
import { fromSocketError, type ProbeOutcome } from './outcome.js';

/**
 * One TCP handshake to an address (already resolved). `connectMs` runs from the connect call to
 * the handshake's completion; the connection is then closed politely (FIN) without sending data.
 * Settles at `deadline` (a performance.now() time) at the latest.
 */
export function tcpProbe(address: string, port: number, deadline: number, timeoutMs: number, signal: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ state: 'error', reason: 'canceled', canceled: true });
    const socket = net.connect({ host: address, port, noDelay: true });
    // The clock starts when Node issues the connect (just before the SYN), not at socket set-up.
    let t0 = performance.now();
    socket.once('connectionAttempt', () => {
      t0 = performance.now();
    });
    const timer = setTimeout(() => finish({ state: 'filtered', reason: `no answer to the SYN within ${timeoutMs} ms: dropped by a firewall, or the host is down` }), Math.max(0, deadline - performance.now()));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.once('connect', () => finish({ state: 'open', connectMs: performance.now() - t0, reason: 'handshake completed' }));
    socket.once('error', (error) => finish(fromSocketError(error, 'tcp')));
  });
}
