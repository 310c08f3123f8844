// A real DNS server for tests: UDP and TCP on one port, answers from a fixed zone after a set
// delay. It speaks real DNS (the engine's codec is not trusted to test itself: answers are checked
// against dig in the DNS engine test). Runs in process, or in a namespace through dns-server-cli.ts.
import dgram from 'node:dgram';
import net from 'node:net';
import { decodeMessage, encodeQuery, encodeResponse, type DnsRecord } from '../../src/engines/dns/codec.js';

export interface DnsServerOptions {
  host?: string;
  port?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (a resolver that is down behind a silent firewall). */
  silent?: boolean;
  /** Answer over UDP with TC set and no records, so the client must retry over TCP. */
  truncateUdp?: boolean;
  /** Answer every query with this rcode (e.g. 2 SERVFAIL, 5 REFUSED). */
  rcode?: number;
  records?: DnsRecord[];
  /** Told how long each answer was really held (arrival → handed to the kernel), in ms. */
  onAnswer?: (heldMs: number) => void;
}

export interface DnsServer {
  address: string;
  port: number;
  /** Queries seen, by transport. */
  queries: { udp: number; tcp: number };
  close(): Promise<void>;
}

export const DEFAULT_RECORDS: DnsRecord[] = [
  { name: 'api.internal.example.com.', type: 'A', ttl: 60, data: '192.0.2.10' },
  { name: 'api.internal.example.com.', type: 'A', ttl: 60, data: '192.0.2.11' },
  { name: 'api.internal.example.com.', type: 'AAAA', ttl: 60, data: '2001:db8::10' },
  { name: 'www.internal.example.com.', type: 'CNAME', ttl: 60, data: 'api.internal.example.com.' },
  { name: 'internal.example.com.', type: 'MX', ttl: 60, data: '10 mx.internal.example.com.' },
  { name: 'internal.example.com.', type: 'TXT', ttl: 60, data: '"v=spf1 -all"' },
  { name: '10.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 60, data: 'api.internal.example.com.' },
];

function answer(query: Buffer, options: DnsServerOptions, overUdp: boolean): Buffer | undefined {
  let message;
  try {
    message = decodeMessage(query);
  } catch {
    return undefined;
  }
  if (!message.question) return undefined;
  const question = message.question;
  const zone = options.records ?? DEFAULT_RECORDS;
  const name = question.name.toLowerCase();
  if (options.rcode !== undefined) return encodeResponse({ id: message.id, question, rcode: options.rcode });
  if (overUdp && options.truncateUdp) return encodeResponse({ id: message.id, question, truncated: true });
  const known = zone.some((r) => r.name.toLowerCase() === name);
  const answers = zone.filter((r) => r.name.toLowerCase() === name && (r.type === question.type || r.type === 'CNAME'));
  return encodeResponse({ id: message.id, question, rcode: known ? 0 : 3, answers });
}

/**
 * One query to ourselves before reporting ready, so the first measured answer is not slowed by
 * cold code (lazy compilation of the decode/encode/send path) in a fresh server process.
 */
async function warmUp(host: string, port: number, options: DnsServerOptions): Promise<void> {
  if (options.silent) return;
  const client = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    client.on('message', () => {
      clearTimeout(timer);
      resolve();
    });
    client.send(encodeQuery({ id: 1, name: 'warm.up', type: 'A' }), port, host);
  });
  client.close();
}

export async function startDnsServer(options: DnsServerOptions = {}): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const queries = { udp: 0, tcp: 0 };
  // Hold each answer for delayMs from its arrival. A timer may fire a little late on a busy
  // machine; the real hold is reported (onAnswer) so tests can tell it from the client's error.
  // (No busy-waiting to be exact: it would take the CPU from the client being measured.)
  // A timer can also fire up to a millisecond early (libuv starts it from the loop's cached,
  // millisecond-truncated clock): then it waits out the rest, so the hold is never short.
  const later = (fn: () => void) => {
    const arrived = performance.now();
    const send = () => {
      const heldMs = performance.now() - arrived;
      if (options.delayMs && heldMs < options.delayMs) return void setTimeout(send, Math.max(1, Math.ceil(options.delayMs - heldMs)));
      fn();
      options.onAnswer?.(performance.now() - arrived);
    };
    if (options.delayMs) setTimeout(send, options.delayMs);
    else setImmediate(send);
  };
  const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  udp.on('message', (query, peer) => {
    queries.udp++;
    if (options.silent) return;
    const reply = answer(query, options, true);
    if (reply) later(() => udp.send(reply, peer.port, peer.address));
  });
  await new Promise<void>((resolve) => udp.bind(options.port ?? 0, host, resolve));
  const port = udp.address().port;
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + query.length);
        queries.tcp++;
        if (options.silent) continue;
        const reply = answer(query, options, false);
        if (!reply) continue;
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        later(() => socket.write(Buffer.concat([length, reply])));
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, host, resolve));
  await warmUp(host, port, options);
  queries.udp = 0;
  let closed = false;
  return {
    address: host,
    port,
    queries,
    close: async () => {
      if (closed) return;
      closed = true;
      udp.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
