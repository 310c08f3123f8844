import { connect, isIPv6, type Socket } from 'node:net';
import { PhaseError } from './http-errors.js';
import { httpFailure } from './http-target.js';

/** One read buffer per stream, reused for every read: no allocation per chunk. */
const READ_BUFFER_BYTES = 256 * 1024;
/** A response head larger than this is not a download server's. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

export interface RawDownloadOptions {
  url: string;
  /** The address resolved once for the phase (every connection goes there). */
  address: string;
  headers: Record<string, string>;
  /** Live sockets, for the phase to cut at its end. */
  sockets: Set<Socket>;
  stopped: () => boolean;
  count: (bytes: number) => void;
  onRequest: () => void;
}

/**
 * How a stream ended: the phase stopped it, or the answer was not a plain Content-Length body
 * (chunked, HTTP/1.0 until close, a 1xx) and the caller should use the node:http client instead.
 */
export type RawDownloadOutcome = 'stopped' | 'unsupported';

type ConnectionOutcome = RawDownloadOutcome | 'reconnect';

interface Head {
  status: number;
  contentLength: number | undefined;
  chunked: boolean;
  close: boolean;
}

function parseHead(text: string): Head | undefined {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!statusLine) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const length = headers.get('content-length');
  const connection = (headers.get('connection') ?? '').toLowerCase();
  return {
    status: Number(statusLine[2]),
    contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    chunked: headers.has('transfer-encoding'),
    close: connection.includes('close') || (statusLine[1] === '0' && !connection.includes('keep-alive')),
  };
}

/** What an answer's head means for the loop: a body to count, a failure to report, or 'unsupported' (node:http takes over). */
function judge(head: Head | undefined, url: string): { bodyBytes: number; close: boolean } | PhaseError | 'unsupported' {
  if (!head) return new PhaseError(`${httpFailure(url, undefined)}: not an HTTP/1.1 answer`);
  if (head.status >= 100 && head.status < 200) return 'unsupported';
  if (head.status !== 200) return new PhaseError(httpFailure(url, head.status));
  if (head.chunked || head.contentLength === undefined) return 'unsupported';
  return { bodyBytes: head.contentLength, close: head.close };
}

/** The request bytes, or undefined when a header value could split it (left to node:http, which refuses it). */
function requestBytes(url: URL, headers: Record<string, string>): Buffer | undefined {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('Accept-Encoding: identity', 'Connection: keep-alive');
  if (lines.some((line) => /[\r\n]/.test(line))) return undefined;
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * GET a plain-http download URL again and again on one kept-alive socket until the phase stops,
 * counting Content-Length body bytes as the socket reads them into one reused buffer.
 *
 * Why not node:http: its client parses every 64 KiB read in llhttp, allocates a Buffer for it and
 * pushes it through a stream; on loopback that saturates a core at 12-15 Gbit/s, while this loop
 * reads the same bytes at 18-23 Gbit/s with half a core. Anything but a 200 with a Content-Length
 * body on HTTP/1.1 is either a failure (as before: the status named) or handed back to the
 * node:http client ('unsupported'), so third-party servers keep working whatever they answer.
 */
export async function rawDownloadLoop(options: RawDownloadOptions): Promise<RawDownloadOutcome> {
  const url = new URL(options.url);
  const request = requestBytes(url, options.headers);
  if (url.protocol !== 'http:' || !request) return 'unsupported';
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  while (!options.stopped()) {
    const outcome = await oneConnection(options, url, request, readBuffer);
    if (outcome !== 'reconnect') return outcome;
  }
  return 'stopped';
}

/** One connection: requests back to back until the phase stops, the server closes after an answer, or a failure. */
function oneConnection(options: RawDownloadOptions, url: URL, request: Buffer, readBuffer: Buffer): Promise<ConnectionOutcome> {
  const { count, stopped } = options;
  return new Promise<ConnectionOutcome>((resolve, reject) => {
    const head = Buffer.allocUnsafe(MAX_HEAD_BYTES);
    let headBytes = 0;
    let inBody = false;
    let remaining = 0;
    let closeAfter = false;
    let answered = 0;
    let settled = false;
    const finish = (outcome: ConnectionOutcome | PhaseError) => {
      if (settled) return;
      settled = true;
      options.sockets.delete(socket);
      if (!socket.destroyed) socket.destroy();
      if (outcome instanceof PhaseError) {
        if (stopped()) resolve('stopped');
        else reject(outcome);
      } else resolve(outcome);
    };
    const ask = () => {
      options.onRequest();
      socket.write(request);
    };
    const answerComplete = () => {
      answered++;
      inBody = false;
      if (stopped()) finish('stopped');
      else if (closeAfter) finish('reconnect');
      else ask();
    };
    const onRead = (n: number, buffer: Buffer): boolean => {
      if (settled) return false;
      let offset = 0;
      while (offset < n && !settled) {
        if (inBody) {
          const take = Math.min(n - offset, remaining);
          count(take);
          remaining -= take;
          offset += take;
          if (remaining === 0) answerComplete();
          continue;
        }
        const take = Math.min(n - offset, MAX_HEAD_BYTES - headBytes);
        const searchFrom = Math.max(0, headBytes - 3);
        buffer.copy(head, headBytes, offset, offset + take);
        headBytes += take;
        const end = head.subarray(0, headBytes).indexOf(HEAD_END, searchFrom);
        if (end < 0) {
          if (headBytes >= MAX_HEAD_BYTES) finish(new PhaseError(`${httpFailure(options.url, undefined)}: a response head over ${MAX_HEAD_BYTES / 1024} KiB`));
          offset += take;
          continue;
        }
        offset += end + HEAD_END.length - (headBytes - take);
        const parsed = parseHead(head.toString('latin1', 0, end));
        headBytes = 0;
        const verdict = judge(parsed, options.url);
        if (verdict instanceof PhaseError || verdict === 'unsupported') {
          finish(verdict);
          return false;
        }
        inBody = true;
        remaining = verdict.bodyBytes;
        closeAfter = verdict.close;
        if (remaining === 0) answerComplete();
      }
      return true;
    };
    const host = options.address;
    const socket: Socket = connect({ host, port: Number(url.port || 80), family: isIPv6(host) ? 6 : 4, noDelay: true, onread: { buffer: readBuffer, callback: onRead } });
    options.sockets.add(socket);
    socket.once('connect', ask);
    socket.once('error', (error) => {
      // A kept-alive connection reset between answers is the server's idle timeout, not a failure.
      if (!inBody && headBytes === 0 && answered > 0 && !stopped()) return finish('reconnect');
      finish(new PhaseError(httpFailure(options.url, undefined, error)));
    });
    socket.once('close', () => {
      if (stopped()) return finish('stopped');
      // A kept-alive connection the server closed between answers: open another.
      if (!inBody && headBytes === 0 && answered > 0) return finish('reconnect');
      finish(new PhaseError(`${httpFailure(options.url, undefined)}: the connection closed ${inBody ? 'mid-body' : 'before an answer'}`));
    });
  });
}
