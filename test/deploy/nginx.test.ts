// The repository's nginx configuration as a real nginx process (rendered and certified by the
// flux-speed-nginx image's own entrypoint) in front of a running flux-speed server: HTTPS serves
// the UI and the API, an agent configured like the brief's `docker run` line connects through it
// over WSS and runs a speedtest whose progress streams back unbuffered, and a large upload to the
// speedtest engine is not cut off.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createInstallation, type Installation } from '../helpers/distributed.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/backends.js';
import { freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { readEvents, request, startEntrypoint, startNginx, type Nginx } from './stack.js';

const PASSWORD = 'nginx-test-password-1';
const distributed = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);

describe(`nginx in front of the web tier (${distributed ? 'server + worker on PostgreSQL and Redis' : 'embedded'})`, requires('nginx', 'openssl'), () => {
  const processes: FluxProcess[] = [];
  let installation: Installation | undefined;
  let nginx: Nginx;
  let token: string;
  let agentDataDir: string;

  const api = async <T = unknown>(method: string, url: string, body?: unknown) => {
    const answer = await request(`${nginx.baseUrl}${url}`, {
      ca: nginx.ca,
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: answer.status, body: answer.json<T>() };
  };

  before(async () => {
    const port = await freePort();
    const common = { PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: PASSWORD, TRUSTED_PROXIES: '127.0.0.1', LOCAL_AGENT: '', AGENT_HEARTBEAT_S: '2', AGENT_OFFLINE_AFTER_S: '10' };
    if (distributed) {
      installation = await createInstallation();
      const server = startFlux('nginx-web', ['server'], { ...installation.env, ...common, DATA_DIR: tempDir('web') });
      processes.push(server);
      processes.push(startFlux('nginx-worker', ['worker'], { ...installation.env, ...common, DATA_DIR: tempDir('worker') }));
      await waitHealthy(`http://127.0.0.1:${port}`, server, 240_000);
    } else {
      const server = startFlux('nginx-all', ['all'], { ...common, DATA_DIR: tempDir('all') });
      processes.push(server);
      await waitHealthy(`http://127.0.0.1:${port}`, server, 240_000);
    }
    nginx = await startNginx(`127.0.0.1:${port}`);
    const login = await request(`${nginx.baseUrl}/api/auth/login`, { ca: nginx.ca, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    assert.equal(login.status, 200, login.text());
    token = login.json<{ token: string }>().token;
  });

  after(async () => {
    for (const proc of processes.reverse()) await proc.stop();
    await nginx?.stop();
    await installation?.drop();
  });

  it('serves the UI over HTTPS: the page from the web tier, hashed assets from disk cached for a year', async () => {
    const page = await request(`${nginx.baseUrl}/`, { ca: nginx.ca });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache', 'index.html is revalidated, so a new build shows at once');
    const asset = /(\/assets\/[^"']+\.js)/.exec(page.text())?.[1];
    assert.ok(asset, 'index.html links a script under /assets/');
    const script = await request(`${nginx.baseUrl}${asset}`, { ca: nginx.ca, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(script.status, 200);
    assert.equal(script.headers['x-served-by'], 'flux-speed-nginx', 'nginx served the asset from disk');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(script.headers['content-encoding'], 'gzip');
    // A hashed name nginx does not have on disk is asked from the web tier (which answers 404).
    const unknown = await request(`${nginx.baseUrl}/assets/not-a-build-file.js`, { ca: nginx.ca });
    assert.equal(unknown.status, 404);
  });

  it('answers the API over HTTPS and keeps JSON bodies bounded', async () => {
    const nodes = await api<unknown[]>('GET', '/api/speed/nodes');
    assert.equal(nodes.status, 200);
    assert.ok(Array.isArray(nodes.body));
    const anonymous = await request(`${nginx.baseUrl}/api/speed/nodes`, { ca: nginx.ca });
    assert.equal(anonymous.status, 401);
    const tooBig = await request(`${nginx.baseUrl}/api/auth/login`, { ca: nginx.ca, method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(9 * 1024 * 1024, 0x20) });
    assert.equal(tooBig.status, 413, 'JSON bodies stay bounded');
  });

  it('an agent started like the brief’s `docker run` line registers and connects through nginx over WSS, and its speedtest streams progress unbuffered', async () => {
    const created = await api<{ token: string }>('POST', '/api/speed/agent-tokens', { name: 'through nginx' });
    assert.equal(created.status, 201);
    agentDataDir = tempDir('agent');
    const agent = startEntrypoint('nginx-agent', ['agent'], {
      SPEED_SERVER_URL: nginx.baseUrl,
      AGENT_NAME: 'BRANCH-OFFICE-01',
      AGENT_LOCATION: 'Dallas, TX',
      AGENT_TOKEN: created.body.token,
      AGENT_DATA_DIR: agentDataDir,
      AGENT_LISTEN: '',
      // How an agent trusts a self-signed certificate (docs/deployment.md).
      NODE_EXTRA_CA_CERTS: nginx.caFile,
    });
    processes.push(agent);
    const online = await until(async () => {
      if (agent.child.exitCode !== null) throw new Error(`the agent exited:\n${agent.output().slice(-3000)}`);
      const nodes = await api<{ name: string; state: string; location: string }[]>('GET', '/api/speed/nodes');
      return nodes.body.find((n) => n.name === 'BRANCH-OFFICE-01' && n.state === 'ONLINE');
    }, { timeoutMs: 90_000, what: 'the agent ONLINE through nginx' });
    assert.equal(online.location, 'Dallas, TX');

    // Download then upload, 10 s each: both directions of the engine go through nginx.
    const run = await api<{ run_id: string }>('POST', '/api/speed/test', { agent: 'BRANCH-OFFICE-01', target: 'server', direction: 'bidirectional', duration: 10, streams: 2 });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    const { status, headers, events } = await readEvents(`${nginx.baseUrl}/api/speed/results/${run.body.run_id}/events`, {
      ca: nginx.ca, token, done: (list) => list.some((e) => e.event === 'result'), timeoutMs: 180_000,
    });
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /text\/event-stream/);
    const progress = events.filter((e) => e.event === 'progress');
    const result = events.find((e) => e.event === 'result')!;
    assert.ok(progress.length >= 3, `progress events while it ran: ${events.map((e) => e.event).join(', ')}`);
    // Unbuffered: progress reached the browser while the test was running, not all at the end.
    const spreadMs = progress.at(-1)!.atMs - progress[0]!.atMs;
    assert.ok(spreadMs >= 5000, `progress events arrived over ${spreadMs.toFixed(0)} ms of a 2 × 10 s test`);
    assert.ok(result.atMs - progress[0]!.atMs >= 5000, 'the first progress event came well before the result');
    const detail = result.data as { status: string; metrics: { download_mbps?: number; upload_mbps?: number } };
    assert.equal(detail.status, 'completed', JSON.stringify(detail).slice(0, 800));
    // Loopback through TLS: hundreds of Mbps when the machine is idle; far less under load, never a trickle.
    assert.ok((detail.metrics.download_mbps ?? 0) > 20, `download through nginx: ${detail.metrics.download_mbps} Mbps`);
    assert.ok((detail.metrics.upload_mbps ?? 0) > 20, `upload through nginx: ${detail.metrics.upload_mbps} Mbps`);
    console.log(`speedtest through nginx (TLS, 2 streams): ${detail.metrics.download_mbps?.toFixed(0)} Mbps download, ${detail.metrics.upload_mbps?.toFixed(0)} Mbps upload`);

    // nginx logs a WebSocket when it closes: the agent's connection was an upgrade through it.
    await agent.stop();
    await until(() => /"GET \/api\/agent\/ws HTTP\/1\.1" 101 /.test(nginx.accessLog()), { timeoutMs: 10_000, what: 'the WebSocket upgrade in nginx\'s access log' });
  });

  it('streams a 200 MiB upload to the speedtest engine without cutting it off', async () => {
    const { credential } = JSON.parse(readFileSync(path.join(agentDataDir, 'credential.json'), 'utf8')) as { credential: string };
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0xa5);
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= total) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const started = performance.now();
    const answer = await request(`${nginx.baseUrl}/speed/upload`, {
      ca: nginx.ca, method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/octet-stream' }, body, timeoutMs: 180_000,
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(answer.status, 200, answer.text());
    const counted = answer.json<{ bytes: number; truncated?: boolean }>();
    assert.equal(counted.bytes, total, 'every byte reached the server');
    assert.equal(counted.truncated, undefined);
    console.log(`200 MiB upload through nginx in ${seconds.toFixed(1)} s (${((total * 8) / seconds / 1e6).toFixed(0)} Mbps)`);
  });

  it('an upload asking for the server’s running count (as the engine does) still streams through and is counted in full', async () => {
    // nginx does not relay a response while the body is still arriving; the configuration drops
    // ?progress_ms so the upload is not stalled behind it, and the server answers at the end.
    const { credential } = JSON.parse(readFileSync(path.join(agentDataDir, 'credential.json'), 'utf8')) as { credential: string };
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    const total = 64 * chunk.length;
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= total) return void this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const answer = await request(`${nginx.baseUrl}/speed/upload?progress_ms=100`, {
      ca: nginx.ca, method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/octet-stream' }, body, timeoutMs: 90_000,
    });
    assert.equal(answer.status, 200, answer.text());
    assert.equal(answer.json<{ bytes: number }>().bytes, total);
  });

  it('redirects plain HTTP on the TLS port to HTTPS', async () => {
    const answer = await fetch(`http://localhost:${nginx.port}/results?agent=HQ`, { redirect: 'manual' });
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.get('location'), `https://localhost:${nginx.port}/results?agent=HQ`);
  });

  it('refuses the speedtest endpoints without an agent credential', async () => {
    const answer = await request(`${nginx.baseUrl}/speed/download?bytes=1024`, { ca: nginx.ca });
    assert.equal(answer.status, 401);
  });
});

