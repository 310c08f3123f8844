// Runs the Docker stack's scripts outside Docker: the same entrypoints the images run, started as
// real processes, and nginx from the repository's template in front of a real server.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { freePort, startCommand, tempDir, type FluxProcess } from '../helpers/processes.js';

export { startCommand };
import { until } from '../helpers/wait.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FLUX_BIN = path.join(ROOT, 'bin/flux-speed.js');
export const ENTRYPOINT = path.join(ROOT, 'deploy/docker-entrypoint.sh');
export const NGINX_ENTRYPOINT = path.join(ROOT, 'deploy/nginx/entrypoint.sh');

/** The images' entrypoint (deploy/docker-entrypoint.sh) with this checkout's flux-speed. */
export function startEntrypoint(name: string, args: string[], env: Record<string, string>): FluxProcess {
  return startCommand(name, 'sh', [ENTRYPOINT, ...args], { FLUX_SPEED_BIN: FLUX_BIN, ...env });
}

const readLog = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** Runs the containers' health check (bin/flux-speed-healthcheck.js) with the given environment. */
export function healthcheck(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/flux-speed-healthcheck.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

export interface Nginx {
  port: number;
  baseUrl: string;
  /** The certificate the entrypoint generated (self-signed: also its own CA). */
  caFile: string;
  ca: Buffer;
  proc: FluxProcess;
  dir: string;
  accessLog(): string;
  stop(): Promise<void>;
}

/**
 * nginx as the flux-speed-nginx container runs it: deploy/nginx/entrypoint.sh generates the
 * certificate and renders the template (into a temp dir), then runs nginx in the foreground. On
 * 4041 when it is free, else on another unprivileged port.
 */
export async function startNginx(upstream: string): Promise<Nginx> {
  const dir = tempDir('nginx');
  // nginx's worker processes (nobody when started by root) read the rendered files and the assets.
  chmodSync(dir, 0o755);
  const port = (await portIsFree(4041)) ? 4041 : await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const proc = startCommand('nginx', 'sh', [NGINX_ENTRYPOINT, 'nginx', '-p', dir, '-c', conf, '-g', 'daemon off;'], {
    NGINX_PORT: String(port),
    FLUX_UPSTREAM: upstream,
    NGINX_TLS_DIR: path.join(dir, 'tls'),
    NGINX_STATE_DIR: path.join(dir, 'state'),
    NGINX_STATIC_ROOT: path.join(ROOT, 'web/dist'),
    NGINX_CONF: conf,
    // A test's output pipes are sockets, which nginx cannot open as /dev/stdout: log to files.
    NGINX_ACCESS_LOG: path.join(dir, 'access.log'),
    NGINX_ERROR_LOG: path.join(dir, 'error.log'),
  });
  const baseUrl = `https://localhost:${port}`;
  const caFile = path.join(dir, 'tls', 'tls.crt');
  await until(async () => {
    if (proc.child.exitCode !== null) throw new Error(`nginx exited early:\n${proc.output().slice(-3000)}${readLog(path.join(dir, 'error.log'))}`);
    try {
      const response = await request(`${baseUrl}/healthz`, { ca: readFileSync(caFile) });
      return response.status === 200;
    } catch {
      return false;
    }
  }, { timeoutMs: 30_000, intervalMs: 200, what: 'nginx to proxy /healthz' });
  return { port, baseUrl, caFile, ca: readFileSync(caFile), proc, dir, accessLog: () => readLog(path.join(dir, 'access.log')), stop: () => proc.stop() };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/** One HTTPS request trusting `ca`; the body may be a stream (sent chunked, never buffered here). */
export function request(url: string, options: { ca: Buffer; method?: string; headers?: Record<string, string>; body?: string | Buffer | Readable; timeoutMs?: number }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false, timeout: options.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: () => body.toString(), json: <T>() => JSON.parse(body.toString()) as T });
      });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer from ${url} in ${options.timeoutMs ?? 30_000} ms`)));
    req.once('error', reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (error) => req.destroy(error));
      body.pipe(req);
    }
  });
}

export interface TimedEvent {
  event: string;
  data: unknown;
  /** ms since the stream opened, when the event reached the client. */
  atMs: number;
}

/** Reads server-sent events over HTTPS until `done` says so (or the time runs out). */
export function readEvents(url: string, options: { ca: Buffer; token: string; done: (events: TimedEvent[]) => boolean; timeoutMs?: number }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; events: TimedEvent[] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const events: TimedEvent[] = [];
    const req = https.get(url, { headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' }, ca: options.ca, agent: false }, (res) => {
      let buffer = '';
      const finish = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, events });
      };
      if (res.statusCode !== 200) return finish();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let index;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data), atMs: performance.now() - started });
        }
        if (options.done(events)) finish();
      });
      res.once('end', finish);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`events: not done after ${options.timeoutMs ?? 60_000} ms; got ${events.map((e) => e.event).join(', ') || 'nothing'}`));
    }, options.timeoutMs ?? 60_000);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
