// The speed endpoints over real sockets: what a client measuring against them relies on.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { createTestApp, registerTestAgent, type TestApp } from '../../test/helpers/app.js';
import { startSpeedListener, type SpeedListener } from './listener.js';
import { MAX_DOWNLOAD_BYTES } from './routes.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: (write: (chunk: Buffer) => boolean, end: () => void) => void } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body) options.body((c) => req.write(c), () => req.end());
    else req.end();
  });
}

/** Streams `totalBytes` of zeros in 1 MiB writes, honouring backpressure. */
function streamBody(req: { write: (chunk: Buffer) => boolean; end: () => void }, totalBytes: number, onDrain: (fn: () => void) => void) {
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < totalBytes) {
      const n = Math.min(chunk.length, totalBytes - sent);
      sent += n;
      if (!req.write(chunk.subarray(0, n))) return onDrain(pump);
    }
    req.end();
  };
  pump();
}

function upload(url: string, totalBytes: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    streamBody(req, totalBytes, (fn) => req.once('drain', fn));
  });
}

describe('speed endpoints on an agent listener (public)', () => {
  let listener: SpeedListener;
  before(async () => {
    listener = await startSpeedListener({ host: '127.0.0.1', port: 0 });
  });
  after(() => listener.close());

  it('download: exactly the bytes asked for, incompressible, never cached', async () => {
    const answer = await call(`${listener.baseUrl}/speed/download?bytes=3000000`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 3_000_000);
    assert.equal(answer.headers['content-length'], '3000000');
    assert.equal(answer.headers['content-type'], 'application/octet-stream');
    assert.match(String(answer.headers['cache-control']), /no-store/);
    assert.equal(answer.headers['content-encoding'], undefined);
    // Random bytes: deflate cannot shrink them (a text or zero payload would shrink > 99 %).
    const compressed = deflateRawSync(answer.body).length;
    assert.ok(compressed > answer.body.length * 0.99, `compressed to ${compressed}`);
  });

  it('download: two answers differ (slices start at scattered offsets)', async () => {
    const [a, b] = await Promise.all([call(`${listener.baseUrl}/speed/download?bytes=65536`), call(`${listener.baseUrl}/speed/download?bytes=65536`)]);
    assert.notDeepEqual(a.body, b.body);
  });

  it('download: refuses a size past the bound, a negative or a non-number with 400 naming the field', async () => {
    for (const bytes of [String(MAX_DOWNLOAD_BYTES + 1), '-1', 'lots']) {
      const answer = await call(`${listener.baseUrl}/speed/download?bytes=${bytes}`);
      assert.equal(answer.status, 400, bytes);
      assert.equal(JSON.parse(answer.body.toString()).field, 'bytes');
    }
  });

  it('upload: a 64 MiB body (far past the 1 MiB JSON limit) is streamed, counted and discarded', async () => {
    const before = process.memoryUsage().rss;
    const answer = await upload(`${listener.baseUrl}/speed/upload`, 64 * 1024 * 1024);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body.toString()) as { bytes: number; elapsed_ms: number };
    assert.equal(body.bytes, 64 * 1024 * 1024);
    assert.ok(body.elapsed_ms > 0);
    assert.match(String(answer.headers['cache-control']), /no-store/);
    // Discarded, not buffered: the process did not grow by the body's size.
    assert.ok(process.memoryUsage().rss - before < 48 * 1024 * 1024);
  });

  it('upload with progress_ms: answers at once and streams the receiver’s count while the body arrives', async () => {
    const lines: { bytes: number; t_ms: number; done?: boolean; at: number }[] = [];
    const started = performance.now();
    let firstLineBeforeEnd = false;
    let ended = false;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${listener.baseUrl}/speed/upload?progress_ms=50`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], 'application/x-ndjson');
        let pending = '';
        res.on('data', (chunk: Buffer) => {
          pending += chunk.toString();
          for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
            lines.push({ ...JSON.parse(pending.slice(0, i)), at: performance.now() - started });
            pending = pending.slice(i + 1);
            if (!ended) firstLineBeforeEnd = true;
          }
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      // 100 KiB every 20 ms for 400 ms, then the end of the body.
      const timer = setInterval(() => req.write(Buffer.alloc(100 * 1024)), 20);
      setTimeout(() => {
        clearInterval(timer);
        ended = true;
        req.end();
      }, 400);
    });
    assert.ok(firstLineBeforeEnd, 'reports arrive while the body is still being sent');
    assert.ok(lines.length >= 5, `${lines.length} lines`);
    const final = lines[lines.length - 1]!;
    assert.equal(final.done, true);
    assert.equal(final.bytes % (100 * 1024), 0);
    // Counts never go backwards and their clock moves on.
    for (let i = 1; i < lines.length; i++) {
      assert.ok(lines[i]!.bytes >= lines[i - 1]!.bytes);
      assert.ok(lines[i]!.t_ms >= lines[i - 1]!.t_ms);
    }
  });

  it('upload: any content type, including JSON, is counted rather than parsed', async () => {
    const answer = await call(`${listener.baseUrl}/speed/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: (write, end) => { write(Buffer.from('{"not": "parsed"')); end(); } });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body.toString()).bytes, 16);
  });

  it('upload: bounded by time, not size: past the bound it answers with what it counted and closes', async () => {
    const bounded = await startSpeedListener({ host: '127.0.0.1', port: 0, uploadMaxMs: 1500 });
    const started = Date.now();
    try {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request(`${bounded.baseUrl}/speed/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearInterval(timer);
            req.destroy();
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
          });
        });
        req.on('error', (e) => (Date.now() - started > 1000 ? undefined : reject(e)));
        // A slow, endless body: 10 KiB every 50 ms.
        const timer = setInterval(() => req.write(Buffer.alloc(10 * 1024)), 50);
      });
      const body = JSON.parse(answer.body.toString()) as { bytes: number; elapsed_ms: number; truncated?: boolean };
      assert.equal(answer.status, 200);
      assert.equal(body.truncated, true);
      assert.ok(body.elapsed_ms >= 1495 && body.elapsed_ms < 3000, `elapsed ${body.elapsed_ms}`);
      assert.ok(body.bytes > 100 * 1024, `bytes ${body.bytes}`);
      assert.equal(answer.headers.connection, 'close');
    } finally {
      await bounded.close();
    }
  });

  it('ping: 204 with no body', async () => {
    const answer = await call(`${listener.baseUrl}/speed/ping`);
    assert.equal(answer.status, 204);
    assert.equal(answer.body.length, 0);
  });
});

let AGENT_CREDENTIAL = '';

describe('speed endpoints on the main server (agent credential required)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    AGENT_CREDENTIAL = (await registerTestAgent(t.ctx, 'BRANCH-01')).credential;
  });
  after(() => t.close());

  it('declares agent access on every speed route', () => {
    const speed = t.app.routeAccess.filter((r) => r.url.startsWith('/speed/') && r.method !== 'HEAD');
    assert.deepEqual(speed.map((r) => `${r.method} ${r.url} ${r.access}`).sort(), ['GET /speed/download agent', 'GET /speed/ping agent', 'POST /speed/upload agent']);
  });

  it('refuses callers without a credential (401) and users (403), before reading an upload body', async () => {
    for (const [method, url] of [['GET', '/speed/ping'], ['GET', '/speed/download?bytes=10'], ['POST', '/speed/upload']] as const) {
      const anonymous = await t.app.inject({ method, url, payload: method === 'POST' ? Buffer.alloc(10) : undefined });
      assert.equal(anonymous.statusCode, 401, `${method} ${url}`);
      const user = await t.app.inject({ method, url, headers: t.as('admin'), payload: method === 'POST' ? Buffer.alloc(10) : undefined });
      assert.equal(user.statusCode, 403, `${method} ${url}`);
    }
  });

  it('lets an agent download and upload past the JSON body limit', async () => {
    const headers = { authorization: `Bearer ${AGENT_CREDENTIAL}` };
    const download = await t.app.inject({ method: 'GET', url: '/speed/download?bytes=2000000', headers });
    assert.equal(download.statusCode, 200);
    assert.equal(download.rawPayload.length, 2_000_000);
    const upload = await t.app.inject({ method: 'POST', url: '/speed/upload', headers: { ...headers, 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(8 * 1024 * 1024) });
    assert.equal(upload.statusCode, 200);
    assert.equal(upload.json().bytes, 8 * 1024 * 1024);
    assert.equal((await t.app.inject({ method: 'GET', url: '/speed/ping', headers })).statusCode, 204);
  });

  it('leaves the JSON API’s 1 MiB body limit in place outside the speed routes', async () => {
    const answer = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: `{"username":"${'x'.repeat(1024 * 1024 + 10)}"}` });
    assert.equal(answer.statusCode, 413);
  });
});
