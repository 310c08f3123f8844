// Slow and oversized clients against the real HTTP server: a slowloris client that never finishes
// its headers, and one that connects and says nothing, are cut off by the 30 s header timeout;
// while fifty of them hang on, other clients are served at once; bodies over the limit are a 413.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';

const HEADER_TIMEOUT_MS = 30_000;

/** Opens a raw connection, sends `initial`, then one more header line every `dripMs`. Resolves when the server closes it. */
function slowClient(port: number, initial: string, dripMs: number): { closed: Promise<{ afterMs: number; answer: string }>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1');
  const openedAt = Date.now();
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    if (initial) socket.write(initial);
    if (dripMs > 0) timer = setInterval(() => socket.write(`X-Drip-${Date.now()}: 1\r\n`), dripMs);
  });
  socket.on('data', (chunk) => (answer += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<{ afterMs: number; answer: string }>((resolve) => socket.on('close', () => {
    clearInterval(timer);
    resolve({ afterMs: Date.now() - openedAt, answer });
  }));
  return { closed, socket };
}

const [embedded] = appBackends();

describe('slow and oversized clients', () => {
  let t: TestApp;
  let port: number;

  before(async () => {
    t = await embedded!.open();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
    await registerTestAgent(t.ctx, 'BIG-01');
  });
  after(() => t?.close());

  it('slowloris and silent connections are cut off by the header timeout; others are served meanwhile', async () => {
    const drip = slowClient(port, 'GET /api/speed/nodes HTTP/1.1\r\nHost: x\r\n', 2000);
    const silent = slowClient(port, '', 0);
    const crowd = Array.from({ length: 50 }, () => slowClient(port, 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\n', 5000));
    await new Promise((r) => setTimeout(r, 1000));
    const servedAt = Date.now();
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(ok.status, 200);
    const servedInMs = Date.now() - servedAt;
    assert.ok(servedInMs < 5000, `a normal client is served while 52 slow ones hang on (${servedInMs} ms)`);

    const [dripped, quiet] = await Promise.all([drip.closed, silent.closed]);
    const all = await Promise.all(crowd.map((c) => c.closed));
    for (const closed of [dripped, quiet, ...all]) {
      assert.ok(closed.afterMs >= HEADER_TIMEOUT_MS - 1000 && closed.afterMs < HEADER_TIMEOUT_MS + 10_000, `cut off after ${closed.afterMs} ms`);
      assert.doesNotMatch(closed.answer, /HTTP\/1\.1 200/, 'a request without complete headers is never answered');
    }
    process.stdout.write(`\n[slow clients] slowloris cut off after ${dripped.afterMs} ms, silent connection after ${quiet.afterMs} ms, 50 more after ${Math.min(...all.map((c) => c.afterMs))}-${Math.max(...all.map((c) => c.afterMs))} ms; a normal request meanwhile took ${servedInMs} ms\n`);
  });

  it('a JSON body over 1 MiB is a 413 and the server stays up', async () => {
    const headers = { ...t.as('operator'), 'content-type': 'application/json' };
    const big = JSON.stringify({ agent: 'BIG-01', target: '127.0.0.1', port: 80, pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await fetch(`http://127.0.0.1:${port}/api/speed/probe`, { method: 'POST', headers, body: big });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: string }).error, 'payload_too_large');
    // A lying Content-Length (larger than the limit) is refused before the body is read.
    const lying = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(`POST /api/speed/probe HTTP/1.1\r\nHost: x\r\nAuthorization: ${headers.authorization}\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"a":`));
      let answer = '';
      socket.on('data', (c) => {
        answer += c.toString();
        if (answer.includes('\r\n\r\n')) socket.destroy();
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', () => {});
    });
    assert.match(lying, /^HTTP\/1\.1 413/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const runs = await t.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM runs');
    assert.equal(Number(runs[0]!.n), 0, 'nothing was queued');
  });
});
