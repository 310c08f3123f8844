// The Docker stack's files checked without a Docker engine: docker-compose.yml through a real
// compose parser (Debian's docker-compose) with a generated .env, the settings it hands the
// containers through the real configuration loaders, and the Dockerfiles' structure (no
// Dockerfile linter is packaged for this platform, so the rules that matter are checked here).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { AgentEnvironment, loadAgentConfig } from '../../src/config/agent.js';
import { ServerEnvironment, loadServerConfig } from '../../src/config/server.js';
import { tempDir } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { ROOT } from './stack.js';

const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The brief's line for deploying an agent, as written there. */
const BRIEF_DOCKER_RUN = [
  'docker run -d \\',
  '--name flux-speed-agent \\',
  '--restart unless-stopped \\',
  '-e SPEED_SERVER_URL=http://your-flux-speed-server:4040 \\',
  '-e AGENT_NAME=BRANCH-OFFICE-01 \\',
  '-e AGENT_LOCATION="Dallas, TX" \\',
  '-e AGENT_TOKEN=your_registration_token \\',
  'flux-speed-agent:latest',
];

/** .env as start.sh makes it on first run: .env.example with generated secrets and demo data. */
function generatedEnv(): string {
  const secret = (bytes: number) => randomBytes(bytes).toString('hex');
  return read('.env.example')
    .replace(/^POSTGRES_PASSWORD=.*$/m, `POSTGRES_PASSWORD=${secret(18)}`)
    .replace(/^REDIS_PASSWORD=.*$/m, `REDIS_PASSWORD=${secret(18)}`)
    .replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret(32)}`)
    .replace(/^AGENT_REGISTRATION_TOKEN=.*$/m, `AGENT_REGISTRATION_TOKEN=${secret(16)}`)
    .replace(/^SEED_DEMO=.*$/m, 'SEED_DEMO=true');
}

function composeConfig(envFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', ['--env-file', envFile, '-f', COMPOSE_FILE, 'config'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** YAML → JSON with the YAML library docker-compose itself runs on (its own interpreter). */
function yamlToJson(text: string): unknown {
  const compose = execFileSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).trim();
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(compose, 'utf8').slice(0, 200))?.[1];
  const python = shebang && shebang.includes('python') ? shebang : 'python3';
  const json = execFileSync(python, ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: text, encoding: 'utf8' });
  return JSON.parse(json);
}

interface Service {
  container_name?: string;
  image?: string;
  build?: { target?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  ports?: (string | { published: number; target: number; host_ip?: string })[];
  expose?: string[];
  volumes?: (string | { source: string; target: string; type: string })[];
  healthcheck?: { test: string[] };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
}
interface Compose { services: Record<string, Service>; volumes: Record<string, unknown> }

const published = (service: Service) => (service.ports ?? []).map((p) => {
  if (typeof p !== 'string') return { host: p.published, container: p.target };
  const parts = p.replace(/\/tcp$/, '').split(':');
  return { host: Number(parts.at(-2)), container: Number(parts.at(-1)) };
});

describe('docker-compose.yml through docker-compose config', requires('docker-compose'), () => {
  let compose: Compose;

  before(async () => {
    const dir = tempDir('compose');
    writeFileSync(path.join(dir, '.env'), generatedEnv());
    const result = await composeConfig(path.join(dir, '.env'));
    assert.equal(result.code, 0, `docker-compose config failed:\n${result.stderr}`);
    compose = yamlToJson(result.stdout) as Compose;
  });

  it('has the brief’s containers, each with a health check and a restart policy', () => {
    const names = Object.values(compose.services).map((s) => s.container_name).sort();
    assert.deepEqual(names, ['flux-speed-adminer', 'flux-speed-db', 'flux-speed-nginx', 'flux-speed-redis', 'flux-speed-web', 'flux-speed-worker']);
    for (const [name, service] of Object.entries(compose.services)) {
      assert.ok(service.healthcheck?.test?.length, `${name} has a health check`);
      assert.equal(service.restart, 'unless-stopped', `${name} restarts`);
    }
  });

  it('publishes the brief’s ports: web 4040, nginx 4041, Adminer 6046; PostgreSQL 5440 and Redis 6390 stay inside', () => {
    const s = compose.services;
    assert.deepEqual(published(s['flux-speed-web']!), [{ host: 4040, container: 4040 }]);
    assert.deepEqual(published(s['flux-speed-nginx']!), [{ host: 4041, container: 4041 }]);
    assert.deepEqual(published(s.adminer!), [{ host: 6046, container: 8080 }]);
    for (const internal of ['flux-speed-db', 'flux-speed-redis', 'flux-speed-worker']) assert.deepEqual(published(s[internal]!), [], `${internal} publishes nothing`);
    assert.deepEqual(s['flux-speed-db']!.command, ['postgres', '-p', '5440']);
    assert.match(s['flux-speed-redis']!.command!.join(' '), /--port 6390\b/);
    for (const tier of ['flux-speed-web', 'flux-speed-worker']) {
      const env = s[tier]!.environment!;
      assert.match(env.DATABASE_URL!, /@flux-speed-db:5440\//, `${tier} reaches PostgreSQL on 5440`);
      assert.match(env.REDIS_URL!, /@flux-speed-redis:6390$/, `${tier} reaches Redis on 6390`);
    }
    assert.equal(s.adminer!.environment!.ADMINER_DEFAULT_SERVER, 'flux-speed-db:5440');
    assert.equal(s['flux-speed-nginx']!.environment!.FLUX_UPSTREAM, 'flux-speed-web:4040');
  });

  it('keeps state in named volumes', () => {
    const mounts = (name: string) => (compose.services[name]!.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':').slice(0, 2) : [v.source, v.target]));
    assert.deepEqual(mounts('flux-speed-db'), [['flux-speed-db-data', '/var/lib/postgresql/data']]);
    assert.deepEqual(mounts('flux-speed-redis'), [['flux-speed-redis-data', '/data']]);
    assert.deepEqual(mounts('flux-speed-web'), [['flux-speed-web-data', '/data']]);
    assert.deepEqual(mounts('flux-speed-nginx'), [['flux-speed-nginx-tls', '/etc/nginx/tls']]);
    for (const volume of ['flux-speed-db-data', 'flux-speed-redis-data', 'flux-speed-web-data', 'flux-speed-nginx-tls']) assert.ok(volume in compose.volumes, `${volume} is declared`);
  });

  it('hands the web and worker containers settings the real configuration loader accepts', () => {
    const dockerfileEnv = { NODE_ENV: 'production', DATA_DIR: '/data', PORT: '4040', HOST: '0.0.0.0' };
    for (const [tier, role] of [['flux-speed-web', 'server'], ['flux-speed-worker', 'worker']] as const) {
      const env = Object.fromEntries(Object.entries(compose.services[tier]!.environment!).map(([k, v]) => [k, v ?? '']));
      const config = loadServerConfig({ ...dockerfileEnv, ...env }, role);
      assert.equal(config.localAgentName, '', `${tier}: no built-in agent in the stack`);
      assert.equal(config.jwtSecrets.length, 1);
    }
    const web = loadServerConfig({ ...dockerfileEnv, ...compose.services['flux-speed-web']!.environment } as Record<string, string>, 'server');
    assert.equal(web.seedDemo, true, 'the first run seeds the demo data');
    assert.deepEqual(web.trustedProxies, ['172.29.40.41'], 'only nginx may set X-Forwarded-For');
  });

  it('refuses to start without the secrets, naming the variable', async () => {
    const dir = tempDir('compose-nosecrets');
    writeFileSync(path.join(dir, '.env'), read('.env.example'));
    const result = await composeConfig(path.join(dir, '.env'));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /POSTGRES_PASSWORD|REDIS_PASSWORD|JWT_SECRET/);
  });
});

describe('.env.example', () => {
  const example = read('.env.example');
  const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

  it('documents every variable docker-compose.yml reads', () => {
    const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const undocumented = [...used].filter((name) => !documented.has(name));
    assert.deepEqual(undocumented, []);
  });

  it('covers every server variable, or the stack sets it itself', () => {
    const setByStack = new Set(['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'LOCAL_AGENT', 'TRUSTED_PROXIES']);
    const missing = Object.keys(ServerEnvironment.properties).filter((name) => !documented.has(name) && !setByStack.has(name));
    assert.deepEqual(missing, []);
    for (const name of setByStack) assert.match(read('docker-compose.yml') + read('Dockerfile'), new RegExp(`\\b${name}[:=]`), `${name} is set by the stack`);
  });
});

/** Instructions of a Dockerfile, continuation lines joined, with the stage each belongs to. */
function instructions(file: string): { stage: string; op: string; args: string }[] {
  const out: { stage: string; op: string; args: string }[] = [];
  let stage = '';
  let pending = '';
  for (const raw of read(file).split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !pending)) continue;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (line.endsWith('\\')) continue;
    const [op, ...rest] = pending.trim().split(/\s+/);
    pending = '';
    const args = rest.join(' ');
    if (op!.toUpperCase() === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    out.push({ stage, op: op!.toUpperCase(), args });
  }
  return out;
}

function dockerignored(source: string): boolean {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const normalized = source.replace(/^\.\/|\/$/g, '');
  return patterns.some((p) => normalized === p || normalized.startsWith(`${p}/`));
}

function checkCommon(file: string) {
  const list = instructions(file);
  for (const { op, args } of list.filter((i) => i.op === 'COPY' && !i.args.includes('--from='))) {
    const sources = args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1);
    for (const source of sources) {
      assert.ok(existsSync(path.join(ROOT, source)), `${file}: ${op} ${source} exists in the repository`);
      assert.ok(!dockerignored(source), `${file}: ${source} is not excluded by .dockerignore`);
    }
  }
  for (const { args } of list.filter((i) => i.op === 'RUN' && /apt-get install/.test(i.args))) {
    assert.match(args, /--no-install-recommends/, `${file}: apt-get install without recommends`);
    assert.match(args, /rm -rf \/var\/lib\/apt\/lists/, `${file}: apt lists removed in the same layer`);
    assert.match(args, /apt-get update &&/, `${file}: apt-get update in the same layer`);
  }
  for (const { op, args } of list.filter((i) => ['ENTRYPOINT', 'CMD', 'HEALTHCHECK'].includes(i.op))) {
    const json = op === 'HEALTHCHECK' ? args.replace(/^.*?CMD\s+/, '') : args;
    assert.doesNotThrow(() => JSON.parse(json), `${file}: ${op} in exec form (signals reach the process)`);
  }
  assert.ok(!list.some((i) => i.op === 'ADD' && /https?:/.test(i.args)), `${file}: no ADD from a URL`);
  const from = list.filter((i) => i.op === 'FROM');
  const args = Object.fromEntries(list.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=') as [string, string]));
  for (const f of from) {
    const image = f.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_m, name: string) => args[name] ?? '');
    assert.match(image, /^[a-z0-9./-]+:[\w.-]+$/, `${file}: ${f.args} is a tagged image`);
  }
  return list;
}

const stageOf = (list: ReturnType<typeof instructions>, stage: string) => list.filter((i) => i.stage === stage);

describe('Dockerfile (server and worker, nginx)', () => {
  const list = checkCommon('Dockerfile');

  it('builds the UI with dev dependencies and ships production dependencies only, on node 20 slim, as a non-root user', () => {
    assert.deepEqual(instructions('Dockerfile').filter((i) => i.op === 'FROM').map((i) => i.stage), ['build', 'prod-deps', 'nginx', 'app'], 'the server image is the last (default) stage');
    assert.ok(stageOf(list, 'build').some((i) => i.op === 'RUN' && /npm run build:web/.test(i.args)));
    assert.ok(stageOf(list, 'prod-deps').some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    const app = stageOf(list, 'app');
    assert.match(read('Dockerfile'), /ARG NODE_IMAGE=node:20[\d.]*-bookworm-slim/);
    assert.ok(app.some((i) => i.op === 'COPY' && i.args.startsWith('--from=prod-deps /app/node_modules')), 'node_modules from the production-only stage');
    assert.ok(app.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build /app/web/dist')), 'the built UI');
    assert.equal(app.filter((i) => i.op === 'USER').at(-1)?.args, 'node');
    assert.deepEqual(JSON.parse(app.find((i) => i.op === 'ENTRYPOINT')!.args), ['flux-speed-entrypoint']);
    assert.deepEqual(JSON.parse(app.find((i) => i.op === 'CMD')!.args), ['server']);
    assert.match(app.find((i) => i.op === 'HEALTHCHECK')!.args, /flux-speed-healthcheck/);
  });

  it('the nginx stage runs the repository’s entrypoint with the built UI and a health check', () => {
    const nginx = stageOf(list, 'nginx');
    assert.ok(nginx.some((i) => i.op === 'RUN' && /nginx-light/.test(i.args) && /openssl/.test(i.args)), 'Debian’s nginx-light, as the tests run it, and openssl for the certificate');
    assert.ok(nginx.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build /app/web/dist')));
    assert.deepEqual(JSON.parse(nginx.find((i) => i.op === 'ENTRYPOINT')!.args), ['/opt/flux-speed-nginx/entrypoint.sh']);
    assert.ok(nginx.some((i) => i.op === 'HEALTHCHECK'));
  });

  it('compose builds targets that exist, and the scripts the images run are executable', () => {
    const stages = new Set(list.map((i) => i.stage));
    for (const target of [...read('docker-compose.yml').matchAll(/target: (\w[\w-]*)/g)].map((m) => m[1]!)) assert.ok(stages.has(target), `stage ${target}`);
    for (const script of ['deploy/docker-entrypoint.sh', 'deploy/nginx/entrypoint.sh', 'deploy/nginx/ensure-cert.sh', 'bin/flux-speed.js', 'bin/flux-speed-healthcheck.js', 'start.sh']) {
      assert.doesNotThrow(() => accessSync(path.join(ROOT, script), constants.X_OK), `${script} is executable`);
    }
  });
});

describe('Dockerfile.agent and the brief’s `docker run` line', () => {
  const list = checkCommon('Dockerfile.agent');
  const agent = stageOf(list, 'agent');

  it('carries iperf3 and mtr, production dependencies only, and runs `flux-speed agent`', () => {
    const install = agent.find((i) => i.op === 'RUN' && /apt-get install/.test(i.args))!.args;
    for (const pkg of ['iperf3', 'mtr-tiny', 'ca-certificates']) assert.match(install, new RegExp(`\\b${pkg}\\b`));
    assert.ok(stageOf(list, 'prod-deps').some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    assert.deepEqual(JSON.parse(agent.find((i) => i.op === 'CMD')!.args), ['agent']);
    assert.deepEqual(JSON.parse(agent.find((i) => i.op === 'ENTRYPOINT')!.args), ['flux-speed-entrypoint']);
    const env = agent.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    for (const name of ['SPEED_SERVER_URL', 'AGENT_NAME', 'AGENT_TOKEN']) assert.doesNotMatch(env, new RegExp(name), `${name} comes from docker run, never baked in`);
  });

  it('docs/deployment.md gives the brief’s line as written, and the agent’s configuration accepts it with the image’s defaults', () => {
    const docs = read('docs/deployment.md');
    assert.ok(docs.includes(BRIEF_DOCKER_RUN.join('\n')), 'the brief’s docker run line appears verbatim');
    const imageEnv = Object.fromEntries(agent.filter((i) => i.op === 'ENV').flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split('=') as [string, string])));
    const runEnv = Object.fromEntries([...BRIEF_DOCKER_RUN.join(' ').matchAll(/-e ([A-Z_]+)=(?:"([^"]*)"|(\S+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
    const config = loadAgentConfig({ ...imageEnv, ...runEnv });
    assert.equal(config.serverUrl, 'http://your-flux-speed-server:4040');
    assert.equal(config.name, 'BRANCH-OFFICE-01');
    assert.equal(config.location, 'Dallas, TX');
    assert.equal(config.registrationToken, 'your_registration_token');
    assert.equal(config.dataDir, '/data', 'the credential and result buffer live in the image’s volume');
    assert.deepEqual(config.listen, { host: '0.0.0.0', port: 4045 });
    for (const name of Object.keys(AgentEnvironment.properties)) assert.ok(docs.includes(name), `docs/deployment.md explains ${name}`);
  });
});

describe('start scripts and the images’ shell scripts', () => {
  const scripts = ['start.sh', 'deploy/docker-entrypoint.sh', 'deploy/nginx/entrypoint.sh', 'deploy/nginx/ensure-cert.sh'];

  it('pass shellcheck', requires('shellcheck'), () => {
    for (const script of scripts) {
      const output = (() => {
        try {
          return execFileSync('shellcheck', ['--severity=info', script], { cwd: ROOT, encoding: 'utf8' });
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error);
        }
      })();
      assert.equal(output, '', `shellcheck ${script}`);
    }
  });

  it('start.sh and start.bat take the same steps (Windows line endings for the batch file)', () => {
    const sh = read('start.sh');
    const bat = read('start.bat');
    assert.ok(bat.includes('\r\n') && !/[^\r]\n/.test(bat), 'start.bat has CRLF line endings');
    for (const step of ['.env.example', 'SEED_DEMO=true', ' build', 'up -d flux-speed-db flux-speed-redis', 'run --rm --no-deps flux-speed-web migrate', 'flux-speed-web 180', 'flux-speed-nginx 60', 'flux-speed-worker 120', 'initial-admin-password', 'https://localhost:']) {
      assert.ok(sh.includes(step), `start.sh: ${step}`);
      assert.ok(bat.includes(step), `start.bat: ${step}`);
    }
  });
});
