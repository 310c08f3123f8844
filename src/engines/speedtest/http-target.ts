import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A keep-alive connection pool for one phase: `sockets` connections, reused request after request. */
export function keepAliveAgent(url: string, sockets: number): HttpAgent {
  const options = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' as const };
  return url.startsWith('https:') ? new HttpsAgent(options) : new HttpAgent(options);
}

/** node:http or node:https by the URL's scheme; raw streams, no fetch layers between us and the socket. */
export function rawRequest(url: string, options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
  return url.startsWith('https:') ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
}

/** Headers for a request to the target: its credential only goes to its own endpoints. */
export function targetHeaders(authorization: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { 'user-agent': 'flux-speed-agent', ...(authorization ? { authorization } : {}), ...extra };
}

/** What a failed HTTP exchange tells a NOC engineer. */
export function httpFailure(url: string, status: number | undefined, error?: Error): string {
  const where = new URL(url);
  const target = `${where.protocol}//${where.host}${where.pathname}`;
  if (status === 401 || status === 403) return `${target} answered ${status}: the agent's credential was refused`;
  if (status !== undefined) return `${target} answered HTTP ${status}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return `${target}: ${code ? `${code} ` : ''}${error?.message ?? 'request failed'}`.trim();
}
