// The reflector over real UDP sockets on loopback.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { decodeEcho, ECHO_MAGIC, ECHO_REPLY, encodeEchoRequest, toEchoReply } from './echo-protocol.js';
import { startUdpReflector, type UdpReflector } from './udp-reflector.js';

/** Sends packets from one socket and collects what comes back within `waitMs`. */
async function exchange(port: number, packets: Buffer[], waitMs = 300, socket?: Socket, perMs = Infinity): Promise<Buffer[]> {
  const own = socket ?? createSocket('udp4');
  const replies: Buffer[] = [];
  own.on('message', (m) => replies.push(m));
  // Paced in small batches: a burst of hundreds overflows socket buffers, which is not what we test.
  for (let i = 0; i < packets.length; i++) {
    own.send(packets[i]!, port, '127.0.0.1');
    if (Number.isFinite(perMs) && i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 4 / perMs));
  }
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  if (!socket) own.close();
  return replies;
}

describe('UDP echo reflector', () => {
  let reflector: UdpReflector;
  before(async () => {
    reflector = await startUdpReflector({ host: '127.0.0.1', port: 0, ratePps: 1000, burstPackets: 200 });
  });
  after(() => reflector.close());

  it('answers our echo requests with a reply of the same size carrying the session count', async () => {
    const replies = await exchange(reflector.port, [encodeEchoRequest(7, 0, 64), encodeEchoRequest(7, 1, 200), encodeEchoRequest(7, 2, 64)]);
    assert.equal(replies.length, 3);
    const sizes = replies.map((r) => r.length).sort((a, b) => a - b);
    assert.deepEqual(sizes, [64, 64, 200]);
    const headers = replies.map((r) => decodeEcho(r)!).sort((a, b) => a.seq - b.seq);
    assert.deepEqual(headers.map((h) => [h.type, h.sessionId, h.seq, h.receivedCount]), [[ECHO_REPLY, 7, 0, 1], [ECHO_REPLY, 7, 1, 2], [ECHO_REPLY, 7, 2, 3]]);
  });

  it('ignores anything that is not one of our requests: foreign packets, replies, oversize', async () => {
    const foreign = Buffer.from('GET / HTTP/1.0\r\n\r\n'.padEnd(64, ' '));
    const reply = toEchoReply(encodeEchoRequest(1, 1), 5);
    const oversize = Buffer.alloc(1500);
    oversize.writeUInt32BE(ECHO_MAGIC, 0);
    oversize.writeUInt8(1, 4);
    const short = encodeEchoRequest(1, 1).subarray(0, 20);
    const before = reflector.stats().ignored;
    const replies = await exchange(reflector.port, [foreign, reply, oversize, short]);
    assert.equal(replies.length, 0);
    assert.equal(reflector.stats().ignored - before, 4);
  });

  it('limits each source to its packet rate, and the limit does not touch other sources', async () => {
    // A low limit of its own, so a busy machine sending slowly still exceeds it many times over.
    const limited = await startUdpReflector({ host: '127.0.0.1', port: 0, ratePps: 100, burstPackets: 20 });
    try {
      const flooder = createSocket('udp4');
      const packets = Array.from({ length: 400 }, (_, i) => encodeEchoRequest(9, i));
      const started = performance.now();
      const flood = await exchange(limited.port, packets, 200, flooder, 2);
      const seconds = (performance.now() - started - 200) / 1000;
      flooder.close();
      // At most the 20-packet burst plus 100/s for the time it took.
      assert.ok(flood.length >= 20 && flood.length <= 20 + 100 * seconds + 5, `answered ${flood.length} of 400 in ${seconds.toFixed(2)} s`);
      assert.ok(limited.stats().rateLimited > 0);
      // Another source (the reflector keys on address: here another address on loopback).
      const other = createSocket('udp4');
      await new Promise<void>((resolve) => other.bind(0, '127.0.0.2', resolve));
      const answered = await exchange(limited.port, [encodeEchoRequest(10, 0)], 200, other);
      other.close();
      assert.equal(answered.length, 1);
    } finally {
      await limited.close();
    }
  });
});
