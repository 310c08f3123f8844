import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { engineContext } from '../../../test/helpers/engine-context.js';
import { decodeMessage } from '../dns/codec.js';
import { createProbeEngine, type Lookup } from './engine.js';
import { udpPayload } from './payloads.js';

// Names resolve through an injected lookup: no query may leave the machine.
const names: Record<string, string> = { 'db-prod-01.internal': '127.0.0.1' };
const lookup: Lookup = async (hostname) => {
  const address = names[hostname];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return { address, family: 4 };
};
const probe = createProbeEngine({ lookup });
const spec = (target: string, port: number, protocol: 'tcp' | 'udp', timeout_ms = 500) => ({ target, port, protocol, timeout_ms });

let tcpServer: net.Server;
let tcpPort: number;
let closedPort: number;
let echo: dgram.Socket;
let echoPort: number;
let silent: dgram.Socket;
let silentPort: number;
let accepted = 0;

before(async () => {
  tcpServer = net.createServer((socket) => {
    accepted++;
    socket.on('error', () => {});
    socket.end();
  });
  await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcpServer.address() as net.AddressInfo).port;
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  closedPort = (spare.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  echo = dgram.createSocket('udp4');
  echo.on('message', (message, peer) => echo.send(message, peer.port, peer.address));
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  echoPort = echo.address().port;
  silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentPort = silent.address().port;
});
after(() => {
  tcpServer.close();
  echo.close();
  silent.close();
});

describe('probe engine on loopback', () => {
  test('tcp open: connect time, resolved address, the service saw one connection', async () => {
    const before = accepted;
    const result = await probe(spec('db-prod-01.internal', tcpPort, 'tcp'), engineContext());
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.details.state, 'open');
    assert.equal(result.details.address, '127.0.0.1');
    assert.equal(result.details.reachable, true);
    assert.ok(result.metrics.connect_ms! > 0 && result.metrics.connect_ms! < 50, `connect_ms ${result.metrics.connect_ms}`);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(accepted, before + 1);
  });

  test('tcp open over IPv6 loopback', async () => {
    const server6 = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server6.listen(0, '::1', resolve));
    try {
      const result = await probe(spec('::1', (server6.address() as net.AddressInfo).port, 'tcp'), engineContext());
      assert.equal(result.details.state, 'open');
    } finally {
      server6.close();
    }
  });

  test('tcp closed: RST is a failed result that says so', async () => {
    const result = await probe(spec('127.0.0.1', closedPort, 'tcp'), engineContext());
    assert.equal(result.status, 'failed');
    assert.equal(result.details.state, 'closed');
    assert.equal(result.error, `tcp/${closedPort} on 127.0.0.1 is closed: connection refused (RST): the host is up, nothing listens on that port`);
    assert.equal(result.metrics.connect_ms, undefined);
  });

  test('udp open: the service replied', async () => {
    const result = await probe(spec('127.0.0.1', echoPort, 'udp'), engineContext());
    assert.equal(result.status, 'completed');
    assert.equal(result.details.state, 'open');
    assert.ok((result.details.reply_ms as number) < 50);
  });

  test('udp closed: ICMP port unreachable', async () => {
    const result = await probe(spec('127.0.0.1', closedPort, 'udp'), engineContext());
    assert.equal(result.details.state, 'closed');
    assert.match(result.error!, /ICMP port unreachable/);
  });

  test('udp silence is open|filtered, at the timeout to the millisecond', async () => {
    const t0 = performance.now();
    const result = await probe(spec('127.0.0.1', silentPort, 'udp', 300), engineContext());
    const elapsed = performance.now() - t0;
    assert.equal(result.status, 'completed');
    assert.equal(result.details.state, 'open|filtered');
    assert.equal(result.details.reachable, null);
    // Never early (Node timers may fire up to a millisecond before performance.now() says); the ±50 ms bound is asserted in the serial fidelity suite, where no other test
    // file shares the CPU.
    assert.ok(elapsed >= 295 && elapsed < 1000, `took ${elapsed} ms`);
  });

  test('a name that does not resolve', async () => {
    const result = await probe(spec('nope.internal', 5432, 'tcp'), engineContext());
    assert.equal(result.status, 'failed');
    assert.equal(result.details.state, 'unresolved');
    assert.equal(result.error, 'tcp/5432 on nope.internal is unresolved: nope.internal does not resolve (ENOTFOUND): no such name or no address');
  });

  test('a lookup slower than the timeout ends at the timeout', async () => {
    const stuck = createProbeEngine({ lookup: () => new Promise(() => {}) });
    const t0 = performance.now();
    const result = await stuck(spec('slow.internal', 80, 'tcp', 200), engineContext());
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 195 && elapsed < 1000, `took ${elapsed} ms`);
    assert.equal(result.details.reason, 'the name lookup did not finish within 200 ms');
  });

  test('abort ends a probe at once', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const t0 = performance.now();
    const result = await probe(spec('127.0.0.1', silentPort, 'udp', 5000), engineContext(controller.signal));
    assert.ok(performance.now() - t0 < 2000);
    assert.equal(result.error, 'canceled before the probe finished');
  });
});

describe('udpPayload', () => {
  test('port 53 gets a DNS query a server must answer', () => {
    const { payload, kind } = udpPayload(53);
    assert.equal(kind, 'dns query');
    assert.deepEqual(decodeMessage(payload).question, { name: '.', type: 'NS' });
  });
  test('port 123 gets an NTPv4 client request', () => {
    const { payload } = udpPayload(123);
    assert.equal(payload.length, 48);
    assert.equal(payload[0], 0x23);
  });
  test('other ports get an empty datagram', () => assert.equal(udpPayload(9999).payload.length, 0));
});

test('a job whose signal is already aborted ends at once', async () => {
  const controller = new AbortController();
  controller.abort();
  const t0 = performance.now();
  const result = await probe(spec('127.0.0.1', 9, 'udp', 5000), engineContext(controller.signal));
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(result.error, 'canceled before the probe finished');
});
