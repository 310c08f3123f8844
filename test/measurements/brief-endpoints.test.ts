// The brief's four on-demand endpoints, called with the brief's example bodies (targets swapped
// for local ones), answered by the built-in LOCAL agent and by a second agent process.
import assert from 'node:assert/strict';
import { rateResolution } from '../../src/engines/dns/rating.js';
import net from 'node:net';
import { describe, it, before, after } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';

interface RunDetail { id: string; status: string; status_reason: string | null; type: string; agent: { name: string }; metrics: Record<string, number>; details: Record<string, unknown>; method: Record<string, unknown>; timeline: { status: string }[] }

describe('the brief’s test endpoints end to end', requires('mtr'), () => {
  let server: FluxProcess;
  let agent: FluxProcess;
  let api: Api;
  let baseUrl: string;
  let dns: DnsServer;
  let listener: net.Server;
  let openPort: number;

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('brief-all', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('brief'), ADMIN_PASSWORD: 'admin-password-1' });
    dns = await startDnsServer({ host: '127.0.0.1', port: 0, delayMs: 2 });
    listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as net.AddressInfo).port;
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'second' })).body.token;
    agent = startFlux('brief-agent', ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'BRANCH-01', AGENT_LOCATION: 'Lab', AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('brief-agent'), AGENT_LISTEN: `127.0.0.1:${await freePort()}` });
    await until(async () => {
      const nodes = (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body;
      return ['LOCAL', 'BRANCH-01'].every((name) => nodes.some((n) => n.name === name && n.state === 'ONLINE'));
    }, { timeoutMs: 30_000, what: 'LOCAL and BRANCH-01 online' });
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    await dns?.close();
    listener?.close();
  });

  for (const agentName of ['LOCAL', 'BRANCH-01']) {
    it(`POST /api/speed/trace from ${agentName}`, async () => {
      const res = await api.post<RunDetail>('/api/speed/trace?wait=60', { agent: agentName, target: '127.0.0.1', count: 3, interval_ms: 100 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'completed', res.body.status_reason ?? '');
      const hops = res.body.details.hops as { address: string; loss_pct: number; sent: number }[];
      assert.equal(hops.length, 1);
      assert.equal(hops[0]!.address, '127.0.0.1');
      assert.equal(hops[0]!.sent, 3);
      assert.equal(res.body.metrics.loss_pct, 0);
      assert.ok(res.body.metrics.latency_ms! >= 0 && res.body.metrics.latency_ms! < 5);
    });

    it(`POST /api/speed/probe from ${agentName}`, async () => {
      const res = await api.post<RunDetail>('/api/speed/probe?wait=30', { agent: agentName, target: '127.0.0.1', port: openPort, protocol: 'tcp', timeout_ms: 2000 });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'completed');
      assert.equal(res.body.details.state, 'open');
      assert.ok(res.body.metrics.connect_ms! > 0 && res.body.metrics.connect_ms! < 50);
    });

    it(`POST /api/speed/dns from ${agentName}`, async () => {
      const res = await api.post<RunDetail>('/api/speed/dns?wait=30', { agent: agentName, hostname: 'api.internal.example.com', resolvers: [`127.0.0.1:${dns.port}`] });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'completed');
      const [resolver] = res.body.details.resolvers as { rating: string; answers: unknown[]; rcode: string; response_ms: number }[];
      // Ratings against known delays are the fidelity suite's job; here the rating must follow
      // the brief's table for the time measured (a loaded CI machine may make it SLOW).
      assert.equal(resolver!.rating, rateResolution(resolver!.response_ms));
      assert.notEqual(resolver!.rating, 'CRITICAL');
      assert.equal(resolver!.answers.length, 2);
      assert.ok(res.body.metrics.resolve_ms! >= 2);
    });
  }

  it('POST /api/speed/test: LOCAL measures the server, BRANCH-01 measures the server, LOCAL measures agent:BRANCH-01', async () => {
    for (const [agentName, target] of [['LOCAL', 'server'], ['BRANCH-01', 'server'], ['LOCAL', 'agent:BRANCH-01']] as const) {
      const res = await api.post<RunDetail>('/api/speed/test?wait=90', { agent: agentName, target, duration: 10, streams: 2 });
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
      assert.equal(res.body.status, 'completed', `${agentName} → ${target}: ${res.body.status_reason}`);
      assert.ok(res.body.metrics.download_mbps! > 10, `download ${res.body.metrics.download_mbps}`);
      assert.ok(res.body.metrics.upload_mbps! > 10, `upload ${res.body.metrics.upload_mbps}`);
      assert.ok(res.body.metrics.latency_ms !== undefined && res.body.metrics.jitter_ms !== undefined);
      assert.equal(res.body.method.engine, 'http');
      assert.ok(!JSON.stringify(res.body).includes('fsa_'), 'no credential in the stored result');
    }
  });

  it('refuses a speedtest with a duration outside 10/20/30/60 or 9 streams, naming the field', async () => {
    for (const [body, field] of [[{ agent: 'LOCAL', duration: 15 }, 'duration'], [{ agent: 'LOCAL', streams: 9 }, 'streams'], [{ agent: 'LOCAL', target: 'agent:NOPE' }, 'target']] as const) {
      const res = await api.post<{ field: string }>('/api/speed/test', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.field, field);
    }
  });

  it('without ?wait answers 202 with the run id and a Location that later holds the result', async () => {
    const res = await api.post<{ run_id: string; status: string }>('/api/speed/probe', { agent: 'LOCAL', target: '127.0.0.1', port: openPort });
    assert.equal(res.status, 202);
    assert.ok(['queued', 'dispatched', 'running'].includes(res.body.status));
    assert.equal(res.headers.get('location'), `/api/speed/results/${res.body.run_id}`);
    const done = await until(async () => {
      const r = (await api.get<RunDetail>(res.headers.get('location')!)).body;
      return r.status === 'completed' ? r : undefined;
    });
    assert.deepEqual(done.timeline.map((s) => s.status), ['queued', 'dispatched', 'running', 'completed']);
    const list = (await api.get<{ results: { id: string }[] }>('/api/speed/results?agent=LOCAL&type=probe&limit=100')).body.results;
    assert.ok(list.some((r) => r.id === res.body.run_id));
  });

  it('refuses bad input with a 400 naming the field, and a Viewer may not run tests', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['/api/speed/probe', { agent: 'LOCAL', target: '127.0.0.1', port: 70000 }, 'port'],
      ['/api/speed/probe', { agent: 'NOPE', target: '127.0.0.1', port: 80 }, 'agent'],
      ['/api/speed/trace', { agent: 'LOCAL', target: '8.8.8.8; rm -rf /' }, 'target'],
      ['/api/speed/trace', { agent: 'LOCAL', target: '-oProxyCommand=x' }, 'target'],
      ['/api/speed/dns', { agent: 'LOCAL', hostname: 'x.example', resolvers: ['$(reboot)'] }, 'resolvers.0'],
    ];
    for (const [url, body, field] of cases) {
      const res = await api.post<{ field: string; error: string }>(url, body);
      assert.equal(res.status, 400, `${url} ${JSON.stringify(body)}`);
      assert.equal(res.body.field, field);
    }
    await api.post('/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' });
    const viewer = await Api.login(baseUrl, 'watcher', 'watcher-password');
    assert.equal((await viewer.post('/api/speed/probe', { agent: 'LOCAL', target: '127.0.0.1', port: openPort })).status, 403);
    assert.equal((await viewer.get('/api/speed/results')).status, 200);
  });
});
