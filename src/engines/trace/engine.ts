import { spawn } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { targetError } from '../../measurements/validators.js';
import { neverThrows, roundMs, startResult } from '../result-builder.js';
import type { Engine } from '../types.js';
import { explainMtrFailure, mtrArgs } from './mtr-args.js';
import { mtrVersion } from './mtr-version.js';
import { MtrOutputError, parseMtrReport, type Hop } from './mtr-report.js';
import { pathOf, pathSignature } from './path.js';

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }>;

export interface TraceEngineOptions {
  mtrPath?: string;
  /** Name → address (the host's resolver by default); mtr then traces that exact address. */
  lookup?: Lookup;
  /** The agent's uid: mtr refuses intervals below 1 s unless it is 0. */
  uid?: number;
  /** Seconds mtr waits for late replies after the last cycle (mtr's default, 5). */
  graceS?: number;
}

const MAX_STDOUT_BYTES = 16 * 1024 * 1024;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
  canceled: boolean;
}

/** Runs mtr, killing it (and so its mtr-packet helper) when the signal aborts. */
function runMtr(mtrPath: string, args: string[], signal: AbortSignal, onTick: () => void, tickMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(mtrPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let canceled = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const ticker = setInterval(onTick, tickMs);
    const onAbort = () => {
      canceled = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_STDOUT_BYTES) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 65536) stderr += chunk;
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      signal.removeEventListener('abort', onAbort);
      resolve({ code, stdout, stderr, canceled, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

function summarise(hops: Hop[], address: string, reached: boolean): string {
  if (reached) return `reached ${address} in ${hops.length} hops`;
  const lastAnswering = [...hops].reverse().find((h) => h.address !== null);
  return lastAnswering ? `${address} did not answer; the last hop that answered is ${lastAnswering.address} at hop ${lastAnswering.hop}` : `no hop answered on the way to ${address}`;
}

/** The real mtr, report mode, JSON: hop table, loss and latency at the destination, path. */
export function createTraceEngine(options: TraceEngineOptions = {}): Engine<'trace'> {
  const mtrPath = options.mtrPath ?? 'mtr';
  const lookup: Lookup = options.lookup ?? ((hostname) => dnsLookup(hostname));
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const graceS = options.graceS ?? 5;
  return neverThrows('trace', (spec) => spec.target, async (spec, ctx) => {
    const result = startResult('trace', spec.target);
    const invalid = targetError(spec.target);
    if (invalid) return result.failed(`target ${invalid}`);
    if (spec.interval_ms < 1000 && uid !== 0) {
      return result.failed(`interval_ms ${spec.interval_ms} is below 1000 and this agent does not run as root: mtr refuses sub-second intervals for other users; use interval_ms ≥ 1000 or run the agent as root`);
    }
    const version = await mtrVersion(mtrPath);
    if (!version.ok) return result.failed(version.reason);

    let address = spec.target;
    if (!isIP(spec.target.split('%')[0]!)) {
      try {
        address = (await lookup(spec.target)).address;
      } catch (error) {
        return result.failed(`${spec.target} does not resolve on this agent (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
      }
    }
    const args = mtrArgs(spec, address, graceS);
    const method = { engine: 'mtr', mtr_version: version.version, args, count: spec.count, interval_ms: spec.interval_ms, max_hops: spec.max_hops, protocol: spec.protocol, ...(spec.port !== undefined ? { port: spec.port } : {}), grace_s: graceS, reverse_dns: spec.reverse_dns === true, address, agent_version: ctx.agentVersion };

    // mtr's report mode prints only at the end; progress follows its cycle clock meanwhile.
    let cyclesReported = 0;
    const onTick = () => {
      const elapsedMs = result.elapsedMs();
      const cycles = Math.min(spec.count, Math.floor(elapsedMs / spec.interval_ms));
      if (cycles === cyclesReported) return;
      cyclesReported = cycles;
      const message = cycles < spec.count ? `cycle ${cycles} of ${spec.count} sent` : `all ${spec.count} cycles sent; waiting up to ${graceS} s for late replies`;
      ctx.onProgress({ phase: 'trace', elapsed_ms: roundMs(elapsedMs), message, detail: { cycles_sent: cycles, count: spec.count } });
    };
    const run = await runMtr(mtrPath, args, ctx.signal, onTick, Math.max(spec.interval_ms, 250));
    if (run.canceled) return result.failed('canceled before mtr finished', {}, method);
    if (run.spawnError) return result.failed(run.spawnError.code === 'ENOENT' ? 'mtr is not installed on this agent (apt-get install mtr-tiny)' : `mtr could not be started (${run.spawnError.code})`, {}, method);
    if (run.code !== 0) return result.failed(explainMtrFailure(run.stderr, run.code), { stderr: run.stderr.slice(0, 2000) }, method);

    let hops: Hop[];
    try {
      hops = parseMtrReport(run.stdout).hops;
    } catch (error) {
      if (error instanceof MtrOutputError) return result.failed(error.message, {}, method);
      throw error;
    }
    const final = [...hops].reverse().find((h) => h.address === address && (h.received ?? 1) > 0 && h.loss_pct < 100);
    const reached = final !== undefined;
    const path = pathOf(hops);
    const details = { address, reached, hop_count: hops.length, hops, path, path_signature: pathSignature(path), summary: summarise(hops, address, reached) };
    ctx.onProgress({ phase: 'trace', elapsed_ms: roundMs(result.elapsedMs()), message: details.summary, detail: { hops } });
    const metrics = final
      ? { loss_pct: final.loss_pct, ...(final.avg_ms !== null ? { latency_ms: final.avg_ms } : {}), ...(final.jitter_ms !== null ? { jitter_ms: final.jitter_ms } : {}) }
      : { loss_pct: 100 };
    return result.completed(metrics, details, method);
  });
}
