import { connect } from 'node:net';
import type { Agent } from 'node:http';
import { PhaseError } from './http-errors.js';
import { httpFailure, rawRequest, targetHeaders } from './http-target.js';

/**
 * Single round-trip probes used when a target has no UDP reflector. Each resolves to the RTT in
 * ms, or undefined when no answer came within the timeout. Errors are answers too: a refused
 * connection is a measured round trip, but not a usable one, so it counts as lost.
 */

/** GET /speed/ping on a kept-alive connection: RTT to the response head (no body follows). */
export function httpPing(baseUrl: string, agent: Agent, authorization: string | undefined, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const url = `${baseUrl}/speed/ping`;
    const req = rawRequest(url, { method: 'GET', agent, headers: targetHeaders(authorization), timeout: timeoutMs }, (res) => {
      const rtt = performance.now() - started;
      res.resume();
      // A refused credential is not a latency problem: say so at once instead of "no answer".
      if (res.statusCode === 401 || res.statusCode === 403) return reject(new PhaseError(httpFailure(url, res.statusCode)));
      resolve(res.statusCode !== undefined && res.statusCode < 300 ? rtt : undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** TCP connect time (SYN to SYN-ACK, one round trip in the kernel), then close. */
export function tcpConnectRtt(host: string, port: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      const rtt = performance.now() - started;
      socket.destroy();
      resolve(rtt);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}
