import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { decodeMessage, encodeQuery, type DnsMessage } from './codec.js';

/**
 * One question to one resolver, straight over the wire (never the host's stub resolver or cache):
 * UDP first, TCP when the answer comes back truncated. One deadline covers the whole exchange.
 */

export interface Question {
  name: string;
  type: string;
}

export type Exchange =
  | { ok: true; message: DnsMessage; responseMs: number; transport: 'udp' | 'tcp'; udpMs?: number }
  | { ok: false; reason: string; timedOut: boolean };

function matches(message: DnsMessage, id: number, question: Question): boolean {
  return message.qr && message.id === id && message.question?.name.toLowerCase() === (question.name.endsWith('.') ? question.name : `${question.name}.`).toLowerCase() && message.question.type === question.type.toUpperCase();
}

function socketProblem(error: NodeJS.ErrnoException, transport: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return transport === 'udp' ? 'port unreachable (ICMP): nothing listens for DNS there' : 'TCP connection refused: the resolver does not serve DNS over TCP';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'resolver unreachable: no route to it';
    case 'ECONNRESET':
      return 'connection reset by the resolver';
    default:
      return `${transport} error ${error.code ?? error.message}`;
  }
}

/** Waits for a matching UDP answer; stale or spoofed datagrams (wrong id/question) are ignored. */
function udpExchange(address: string, port: number, query: Buffer, id: number, question: Question, deadlineMs: number, signal: AbortSignal): Promise<{ message: DnsMessage; ms: number } | { reason: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(address.split('%')[0]!) ? 'udp6' : 'udp4');
    let done = false;
    let sentAt = performance.now();
    const finish = (value: { message: DnsMessage; ms: number } | { reason: string; timedOut: boolean }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(value);
    };
    const onAbort = () => finish({ reason: 'canceled', timedOut: false });
    const timer = setTimeout(() => finish({ reason: 'timeout', timedOut: true }), Math.max(0, deadlineMs - performance.now()));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.on('error', (error) => finish({ reason: socketProblem(error, 'udp'), timedOut: false }));
    socket.on('message', (data) => {
      const at = performance.now();
      try {
        const message = decodeMessage(data);
        if (matches(message, id, question)) finish({ message, ms: at - sentAt });
      } catch {
        // A malformed datagram is not the answer: keep waiting for one that is.
      }
    });
    socket.connect(port, address, () => {
      if (done) return;
      // The clock starts at the send, not at socket set-up: the figure is the resolver's.
      sentAt = performance.now();
      socket.send(query);
    });
  });
}

function tcpExchange(address: string, port: number, query: Buffer, id: number, question: Question, deadlineMs: number, signal: AbortSignal): Promise<{ message: DnsMessage; ms: number } | { reason: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    let startedAt = performance.now();
    socket.once('connectionAttempt', () => {
      startedAt = performance.now();
    });
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (value: { message: DnsMessage; ms: number } | { reason: string; timedOut: boolean }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = () => finish({ reason: 'canceled', timedOut: false });
    const timer = setTimeout(() => finish({ reason: 'timeout', timedOut: true }), Math.max(0, deadlineMs - performance.now()));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.on('error', (error) => finish({ reason: socketProblem(error, 'tcp'), timedOut: false }));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      const at = performance.now();
      try {
        const message = decodeMessage(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
        finish(matches(message, id, question) ? { message, ms: at - startedAt } : { reason: 'TCP answer does not match the question', timedOut: false });
      } catch (error) {
        finish({ reason: `malformed TCP answer: ${(error as Error).message}`, timedOut: false });
      }
    });
    socket.on('end', () => finish({ reason: 'resolver closed the TCP connection without an answer', timedOut: false }));
  });
}

export async function exchange(address: string, port: number, question: Question, timeoutMs: number, signal: AbortSignal): Promise<Exchange> {
  const id = randomInt(0, 0x10000);
  const query = encodeQuery({ id, name: question.name, type: question.type });
  const deadline = performance.now() + timeoutMs;
  const udp = await udpExchange(address, port, query, id, question, deadline, signal);
  if (!('message' in udp)) return { ok: false, reason: udp.timedOut ? `no answer within ${timeoutMs} ms over UDP` : udp.reason, timedOut: udp.timedOut };
  if (!udp.message.tc) return { ok: true, message: udp.message, responseMs: udp.ms, transport: 'udp' };
  const tcp = await tcpExchange(address, port, query, id, question, deadline, signal);
  if (!('message' in tcp)) return { ok: false, reason: `answer truncated over UDP after ${udp.ms.toFixed(1)} ms, then over TCP: ${tcp.timedOut ? `no answer within ${timeoutMs} ms in all` : tcp.reason}`, timedOut: tcp.timedOut };
  // Time to a usable answer: the truncated UDP round trip plus the TCP connect and exchange.
  return { ok: true, message: tcp.message, responseMs: udp.ms + tcp.ms, transport: 'tcp', udpMs: udp.ms };
}
