// The images' start-up sequence outside Docker: deploy/docker-entrypoint.sh (migrate, then start;
// the server seeds the demo data) and the containers' health check, against real PostgreSQL and
// Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set, else the embedded mode (`all`).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/backends.js';
import { Api, freePort, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { healthcheck, startEntrypoint } from './stack.js';

const distributed = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
/** What start.sh puts in .env: agents may register with it from the first start. */
const PRESHARED_TOKEN = 'preshared-registration-token-0123';

interface Node { name: string; location: string }

describe(`the images' entrypoint (${distributed ? 'server and worker on PostgreSQL and Redis' : 'embedded: all'})`, () => {
  const processes: FluxProcess[] = [];
  let schema: string | undefined;
  let env: Record<string, string>;
  let port: number;
  let dataDir: string;

  before(async () => {
    port = await freePort();
    dataDir = tempDir('web-data');
    env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'true', LOCAL_AGENT: '', AGENT_REGISTRATION_TOKEN: PRESHARED_TOKEN };
    if (distributed) {
      // A fresh, empty schema: the entrypoint must create every table itself.
      schema = `t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const url = new URL(TEST_DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      Object.assign(env, { DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL!, REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}`, JWT_SECRET: 'entrypoint-test-secret-0123456789-abcdef' });
    }
  });

  after(async () => {
    for (const proc of processes.reverse()) await proc.stop();
    if (schema) {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  const role = distributed ? 'server' : 'all';
  const baseUrl = () => `http://127.0.0.1:${port}`;
  const demoResults = async (api: Api) => (await api.get<{ results: unknown[] }>('/api/speed/results?agent=DEMO-HQ-CORE&limit=500')).body.results.length;

  it(`first start (${role}): applies every migration, seeds the demo data and serves, with the generated admin password in DATA_DIR`, async () => {
    const started = performance.now();
    const web = startEntrypoint(`entrypoint-${role}`, [role], env);
    processes.push(web);
    await waitHealthy(baseUrl(), web, 240_000);
    const seconds = (performance.now() - started) / 1000;
    assert.match(web.output(), /applied: 0001/, 'the entrypoint applied the migrations before starting');
    const passwordFile = path.join(dataDir, 'initial-admin-password');
    assert.ok(existsSync(passwordFile), 'the generated admin password is kept in DATA_DIR (start.sh prints it from there)');
    const password = readFileSync(passwordFile, 'utf8').trim();
    assert.ok(web.output().includes(password), 'and printed once in the container log');
    const api = await Api.login(baseUrl(), 'admin', password);
    const nodes = (await api.get<Node[]>('/api/speed/nodes')).body;
    assert.deepEqual(nodes.filter((n) => n.name.startsWith('DEMO-')).map((n) => n.name).sort(), ['DEMO-BRANCH-01', 'DEMO-HQ-CORE']);
    assert.equal(await demoResults(api), 14 * 24, 'two weeks of hourly demo results');
    console.log(`entrypoint ${role}: migrated, seeded and healthy in ${seconds.toFixed(1)} s`);

    const registered = await fetch(`${baseUrl()}/api/agent/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: PRESHARED_TOKEN, name: 'PRESHARED-01', location: 'Dallas, TX' }) });
    assert.equal(registered.status, 201, 'AGENT_REGISTRATION_TOKEN registers an agent');
    const tokens = (await api.get<{ source: string; uses: number }[]>('/api/speed/agent-tokens')).body;
    assert.deepEqual(tokens.filter((t) => t.source === 'env').map((t) => t.uses), [1]);

    const ready = await healthcheck([], { PORT: String(port) });
    assert.equal(ready.code, 0, ready.output);
  });

  it('the worker starts through the same entrypoint on the migrated database, and its health check sees PostgreSQL and Redis', async (t) => {
    if (!distributed) {
      // Embedded mode has no separate worker: `all` runs it; the health check still answers.
      const answer = await healthcheck(['server'], { PORT: String(port) });
      assert.equal(answer.code, 0, answer.output);
      t.diagnostic('embedded: the worker runs inside `all`');
      return;
    }
    const worker = startEntrypoint('entrypoint-worker', ['worker'], { ...env, DATA_DIR: tempDir('worker-data') });
    processes.push(worker);
    await until(() => {
      if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
      return /flux-speed started/.test(worker.output());
    }, { timeoutMs: 60_000, what: 'the worker started' });
    assert.match(worker.output(), /database is up to date/);
    const healthy = await healthcheck(['backends'], { DATABASE_URL: env.DATABASE_URL!, REDIS_URL: env.REDIS_URL! });
    assert.equal(healthy.code, 0, healthy.output);
  });

  it('a restart migrates nothing, seeds nothing again and keeps the admin', async () => {
    const first = processes.shift()!;
    await first.stop();
    const password = readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const again = startEntrypoint(`entrypoint-${role}-again`, [role], env);
    processes.push(again);
    await waitHealthy(baseUrl(), again, 240_000);
    assert.match(again.output(), /database is up to date/);
    assert.doesNotMatch(again.output(), /created user "admin"/);
    const api = await Api.login(baseUrl(), 'admin', password);
    assert.equal(await demoResults(api), 14 * 24, 'the demo data was not seeded twice');
  });
});
