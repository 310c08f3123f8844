import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeEcho, ECHO_REQUEST, toEchoReply } from './echo-protocol.js';

export interface UdpReflectorOptions {
  host: string;
  port: number;
  /** Sustained packets per second answered per source address (a loss train sends 1000/s). */
  ratePps?: number;
  /** Packets a source may send at once above the sustained rate. */
  burstPackets?: number;
}

export interface UdpReflector {
  address: string;
  port: number;
  /** Requests answered and dropped (not ours, or over the rate limit), for logs and tests. */
  stats(): { answered: number; ignored: number; rateLimited: number };
  close(): Promise<void>;
}

/** Sources and sessions tracked at most; the oldest are forgotten first (Map keeps insertion order). */
const MAX_TRACKED = 4096;

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * The UDP echo reflector behind idle latency, jitter and packet loss (DESIGN §5). It answers
 * only our echo requests, with a reply no larger than the request (no amplification), and
 * limits each source address to a packet rate so it cannot be used to flood a third party with
 * spoofed requests. The limit is well above what one speedtest sends, so it never shows up as
 * loss in a measurement.
 */
export async function startUdpReflector(options: UdpReflectorOptions): Promise<UdpReflector> {
  const ratePps = options.ratePps ?? 4000;
  const burst = options.burstPackets ?? 1000;
  const buckets = new Map<string, Bucket>();
  const sessions = new Map<string, number>();
  const counters = { answered: 0, ignored: 0, rateLimited: 0 };
  const socket: Socket = createSocket({ type: isIPv6(options.host) ? 'udp6' : 'udp4', reuseAddr: false });

  const allow = (source: string): boolean => {
    const now = performance.now();
    let bucket = buckets.get(source);
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED) buckets.delete(buckets.keys().next().value!);
      bucket = { tokens: burst, updatedMs: now };
      buckets.set(source, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedMs) * ratePps) / 1000);
    bucket.updatedMs = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  socket.on('message', (packet, remote) => {
    const header = decodeEcho(packet);
    if (!header || header.type !== ECHO_REQUEST) {
      counters.ignored++;
      return;
    }
    if (!allow(remote.address)) {
      counters.rateLimited++;
      return;
    }
    const key = `${remote.address}|${remote.port}|${header.sessionId}`;
    const received = (sessions.get(key) ?? 0) + 1;
    sessions.delete(key); // re-insert: the most recently used session is forgotten last
    if (sessions.size >= MAX_TRACKED) sessions.delete(sessions.keys().next().value!);
    sessions.set(key, received);
    counters.answered++;
    socket.send(toEchoReply(packet, received), remote.port, remote.address);
  });
  // A send to a vanished client can fail (ICMP unreachable); that must not stop the reflector.
  socket.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.removeListener('error', reject);
      resolve();
    });
  });
  const bound = socket.address();
  return {
    address: bound.address,
    port: bound.port,
    stats: () => ({ ...counters }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
