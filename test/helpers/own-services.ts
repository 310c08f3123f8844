// A PostgreSQL and a Redis of the test's own (temp dir, free port), so a fault test can stop and
// restart them without touching anything else on the machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort, tempDir } from './processes.js';
import { until } from './wait.js';

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** `{ skip: reason }` when the test cannot run its own PostgreSQL and Redis. */
export function ownServicesSkip(): { skip?: string } {
  if (!postgresBin()) return { skip: 'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)' };
  if (!hasRedisServer()) return { skip: 'redis-server is not installed (apt-get install redis-server)' };
  return {};
}

/** initdb refuses root: run the server as the `postgres` OS user when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface OwnService {
  url: string;
  port: number;
  /** Stops the server (PostgreSQL: fast shutdown, Redis: SHUTDOWN with its AOF). */
  stop(): Promise<void>;
  /** Kills the server with SIGKILL: no chance to clean up. */
  kill9(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(20_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function startOwnPostgres(): Promise<OwnService> {
  const bin = postgresBin()!;
  const dir = tempDir('own-pg');
  const owner = runAs();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const dataDir = path.join(dir, 'data');
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { encoding: 'utf8', ...owner, cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const service: OwnService = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      output = '';
      child = spawn(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=60'], { ...owner, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const started = child;
      await until(async () => {
        if (started.exitCode !== null) throw new Error(`postgres exited: ${output}`);
        const client = new pg.Client({ connectionString: service.url });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => {});
        }
      }, { timeoutMs: 30_000, intervalMs: 100, what: 'own PostgreSQL to accept connections' });
    },
    stop: () => stopChild(child, 'SIGINT'),
    kill9: () => stopChild(child, 'SIGKILL'),
    async destroy() {
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

export async function startOwnRedis(): Promise<OwnService> {
  const dir = tempDir('own-redis');
  const port = await freePort();
  const conf = path.join(dir, 'redis.conf');
  // Persistence as a production Redis has it: an append-only file, fsynced every write.
  writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly yes', 'appendfsync always', 'daemonize no', 'logfile ""'].join('\n'));
  let child: ChildProcess | undefined;
  const service: OwnService = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', [conf], { cwd: dir, stdio: 'ignore' });
      const started = child;
      await until(() => {
        if (started.exitCode !== null) throw new Error('redis-server exited');
        return spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
      }, { timeoutMs: 15_000, intervalMs: 100, what: 'own Redis to answer' });
    },
    stop: () => stopChild(child, 'SIGTERM'),
    kill9: () => stopChild(child, 'SIGKILL'),
    async destroy() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}
