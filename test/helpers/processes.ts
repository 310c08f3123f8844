// Real flux-speed processes for end-to-end tests: the same entry point a user runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/flux-speed.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'logs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), `flux-${prefix}-`));

export interface FluxProcess {
  child: ChildProcess;
  name: string;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to clean up. */
  kill9(): Promise<void>;
}

/** Starts `flux-speed <args>` with the given environment (on top of a minimal one). */
export function startFlux(name: string, args: string[], env: Record<string, string>): FluxProcess {
  return startCommand(name, process.execPath, [BIN, ...args], env);
}

/** Starts any command (a script of the stack, a tool) with the given environment, collecting its output. */
export function startCommand(name: string, command: string, args: string[], env: Record<string, string>): FluxProcess {
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS, `${name}-${Date.now()}.log`));
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  const collect = (chunk: Buffer) => {
    buffer += chunk.toString();
    if (buffer.length > 2_000_000) buffer = buffer.slice(-1_000_000);
    log.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    log.end();
    resolve(code);
  }));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    name,
    output: () => buffer,
    exited,
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until GET url/healthz answers 200 (and the process is still alive). */
export async function waitHealthy(baseUrl: string, proc: FluxProcess, timeoutMs = 120_000): Promise<void> {
  await until(async () => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output().slice(-3000)}`);
    const response = await fetch(`${baseUrl}/healthz`).catch(() => undefined);
    return response?.status === 200;
  }, { timeoutMs, intervalMs: 200, what: `${proc.name} to be healthy` });
}

/** A small API client with a session. */
export class Api {
  constructor(readonly baseUrl: string, private token?: string) {}

  static async login(baseUrl: string, username: string, password: string): Promise<Api> {
    const response = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return new Api(baseUrl, ((await response.json()) as { token: string }).token);
  }

  async call<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = unknown>(url: string) {
    return this.call<T>('GET', url);
  }

  post<T = unknown>(url: string, body: unknown) {
    return this.call<T>('POST', url, body);
  }
}
