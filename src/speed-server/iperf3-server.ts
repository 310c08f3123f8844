import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { detectBandwidthCapabilities } from './capabilities.js';

export interface Iperf3ServerOptions {
  port: number;
  /** Address to listen on; all addresses when unset. */
  bind?: string;
  log?: Logger;
  iperf3Path?: string;
  /** Longest wait for the listening socket before start() gives up. */
  readyTimeoutMs?: number;
}

export interface Iperf3Server {
  port: number;
  version: string;
  /** Child restarts so far (iperf3 -s exits on some client errors). */
  restarts(): number;
  close(): Promise<void>;
}

const RESTART_DELAY_MS = [200, 1000, 5000, 30_000];

/**
 * Is this child listening on the port? Reads /proc (Linux) rather than connecting, because a
 * connection would count as a test attempt; and matches the socket to the child's own file
 * descriptors, so another program already on the port does not pass for our server.
 */
async function childListening(pid: number, port: number): Promise<boolean> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await readFile(file, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      // "sl local_address rem_address st … inode": local ADDR:PORT in hex, state 0A = LISTEN
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.split(':')[1] === hexPort && fields[3] === '0A' && inodes.has(fields[9] ?? '')) return true;
    }
  }
  return false;
}

/**
 * Keeps a real `iperf3 -s` running so others can test to this host with iPerf3 (DESIGN §12:
 * port 5201). The child runs with `-J`, so a client asking `--get-server-output` receives the
 * sender's RTT figures for download tests. It is restarted when it exits (after a delay that
 * grows while it keeps failing) and stopped on close. Resolves undefined when iperf3 is not
 * installed: the rest of the agent works without it.
 */
export async function startIperf3Server(options: Iperf3ServerOptions): Promise<Iperf3Server | undefined> {
  const iperf3Path = options.iperf3Path ?? 'iperf3';
  const capabilities = await detectBandwidthCapabilities(iperf3Path);
  if (!capabilities.iperf3.present) {
    options.log?.warn({ reason: capabilities.iperf3.reason }, 'iperf3 server not started');
    return undefined;
  }
  const args = ['-s', '-p', String(options.port), '-J', '--idle-timeout', '120', ...(options.bind ? ['-B', options.bind] : [])];
  let child: ChildProcess | undefined;
  let closed = false;
  let restarts = 0;
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let ready = false;
  let startupFailure: string | undefined;

  const launch = () => {
    const startedAt = Date.now();
    // Output is per-test JSON nobody reads here; ignoring it keeps a full pipe from stalling the child.
    const proc = spawn(iperf3Path, args, { stdio: 'ignore' });
    child = proc;
    proc.on('error', (error) => {
      startupFailure ??= `iperf3 -s could not be started: ${error.message}`;
      options.log?.error({ err: error }, 'iperf3 server failed to start');
    });
    proc.on('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (closed) return;
      if (!ready) {
        startupFailure = `iperf3 -s exited at start (code ${code ?? signal}; is port ${options.port} in use?)`;
        return;
      }
      failuresInARow = Date.now() - startedAt < 10_000 ? failuresInARow + 1 : 0;
      const delayMs = RESTART_DELAY_MS[Math.min(failuresInARow, RESTART_DELAY_MS.length - 1)]!;
      options.log?.warn({ code, signal, delayMs }, 'iperf3 server exited; restarting');
      restartTimer = setTimeout(() => {
        restarts++;
        launch();
      }, delayMs);
    });
  };
  launch();

  const deadline = Date.now() + (options.readyTimeoutMs ?? 5000);
  while (!(child?.pid !== undefined && (await childListening(child.pid, options.port)))) {
    if (Date.now() > deadline || startupFailure) {
      closed = true;
      child?.kill('SIGKILL');
      throw new Error(startupFailure ?? `iperf3 -s did not listen on port ${options.port} within the start timeout`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  ready = true;

  return {
    port: options.port,
    version: capabilities.iperf3.version,
    restarts: () => restarts,
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => proc.kill('SIGKILL'), 2000);
        proc.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    },
  };
}
