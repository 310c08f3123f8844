import type { Agent, ClientRequest } from 'node:http';
import type { LookupFunction, Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import { randomBuffer } from '../../speed-server/random-stream.js';
import type { ByteSample } from '../stats/index.js';
import { CanceledError } from './abort.js';
import { rawDownloadLoop } from './http-download-raw.js';
import { PhaseError } from './http-errors.js';
import { httpFailure, keepAliveAgent, rawRequest, targetHeaders } from './http-target.js';
import { receiverSamples, StreamReports } from './receiver-counts.js';

/** How often our server reports the upload bytes it has received. */
const UPLOAD_REPORT_MS = 100;

export type Direction = 'download' | 'upload';

export interface HttpEndpoints {
  downloadUrl: string | undefined;
  uploadUrl: string | undefined;
  /** Our own /speed/upload: a streamed (chunked) body answered with the server's count. */
  uploadIsOurs: boolean;
  authorization: string | undefined;
  /** The resolved address every connection goes to (recorded in the result). */
  address: string;
}

export interface HttpPhasePlan {
  directions: Direction[];
  streams: number;
  warmupMs: number;
  durationMs: number;
  sampleIntervalMs: number;
  /** Size of one download request; streams ask again when one completes. */
  downloadRequestBytes: number;
  /** Size of one upload to a third-party URL (our endpoint takes one streamed body per phase). */
  uploadRequestBytes: number;
  /** Longest wait for a streamed upload to drain and be answered once the phase ends. */
  drainTimeoutMs: number;
}

export interface HttpPhaseRun {
  samples: Record<Direction, ByteSample[]>;
  /** Payload bytes per direction over the whole phase, warm-up included. */
  totalBytes: Record<Direction, number>;
  requests: Record<Direction, number>;
  /** Upload bytes our server said it received (absent for third-party sinks). */
  serverConfirmedUploadBytes: number | undefined;
  /** Whose count the upload samples are: our server's (receiver) or the client's writes (sender). */
  uploadCountedAt: 'receiver' | 'sender' | undefined;
  elapsedMs: number;
}

/** Every connection to the address resolved once at the start, whatever DNS says meanwhile. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIPv6(address) ? 6 : 4;
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

interface StreamContext {
  stopped: boolean;
  live: Set<ClientRequest>;
  /** Sockets of the plain-http download loop (http-download-raw.ts). */
  rawSockets: Set<Socket>;
  agent: Agent;
  lookup: LookupFunction;
  endpoints: HttpEndpoints;
  plan: HttpPhasePlan;
  /** The phase's start on our clock (receiver reports are placed on it). */
  t0: number;
}

/**
 * One measured phase over HTTP: N parallel keep-alive streams per direction (both directions
 * at once for full duplex), bytes counted as they pass the socket, and a sample of every
 * counter each `sampleIntervalMs`. Ends once the steady window after the warm-up has lasted
 * `durationMs`.
 */
export async function runHttpPhase(endpoints: HttpEndpoints, plan: HttpPhasePlan, signal: AbortSignal, onTick: (tMs: number, bytes: Record<Direction, number>) => void): Promise<HttpPhaseRun> {
  if (signal.aborted) throw new CanceledError();
  const counters: Record<Direction, number> = { download: 0, upload: 0 };
  const requests: Record<Direction, number> = { download: 0, upload: 0 };
  const samples: Record<Direction, ByteSample[]> = { download: [{ tMs: 0, bytes: 0 }], upload: [{ tMs: 0, bytes: 0 }] };
  const serverBytes = { value: 0, known: endpoints.uploadIsOurs };
  const contexts: StreamContext[] = [];
  const workers: Promise<void>[] = [];
  let failure: Error | undefined;
  let wake: () => void = () => {};
  const fail = (error: Error) => {
    failure ??= error;
    wake();
  };

  const t0 = performance.now();
  const receiverStreams: StreamReports[] = [];
  for (const direction of plan.directions) {
    const url = direction === 'download' ? endpoints.downloadUrl : endpoints.uploadUrl;
    if (!url) throw new PhaseError(`no ${direction} URL for this target`);
    // One pool per direction: a full-duplex test never queues an upload behind a download.
    const context: StreamContext = { stopped: false, live: new Set(), rawSockets: new Set(), agent: keepAliveAgent(url, plan.streams), lookup: pinnedLookup(endpoints.address), endpoints, plan, t0 };
    contexts.push(context);
    for (let i = 0; i < plan.streams; i++) {
      const reports = new StreamReports();
      if (direction === 'upload') receiverStreams.push(reports);
      const loop = direction === 'download' ? downloadLoop(url, context, (n) => (counters.download += n), () => requests.download++) : uploadLoop(url, context, (n) => (counters.upload += n), () => requests.upload++, (n) => (serverBytes.value += n), reports);
      workers.push(loop.catch(fail));
    }
  }

  // The steady window opens at the first sample past the warm-up and lasts at least the full
  // duration from there, however late a busy event loop runs the sampling timer.
  let windowStartMs: number | undefined;
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearInterval(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setInterval(() => {
      const tMs = performance.now() - t0;
      for (const d of plan.directions) samples[d].push({ tMs, bytes: counters[d] });
      onTick(tMs, { ...counters });
      if (windowStartMs === undefined && tMs >= plan.warmupMs) windowStartMs = tMs;
      if (windowStartMs !== undefined && tMs - windowStartMs >= plan.durationMs) finish();
    }, plan.sampleIntervalMs);
    signal.addEventListener('abort', finish, { once: true });
    wake = finish;
    if (failure) finish();
  });
  for (const context of contexts) context.stopped = true;
  // Downloads are cut at once; a streamed upload ends its body, and the next phase waits until
  // the server has counted it, so no byte of this phase is still on the wire during the next.
  // An abort cuts everything at once.
  const graceful = !signal.aborted;
  for (const context of contexts) {
    for (const socket of context.rawSockets) socket.destroy();
    for (const req of context.live) {
      if (graceful && req.method === 'POST' && endpoints.uploadIsOurs) {
        if (!req.writableEnded) req.end();
      } else req.destroy();
    }
  }
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(workers), new Promise((r) => (drainTimer = setTimeout(r, graceful ? plan.drainTimeoutMs : 0)))]);
  clearTimeout(drainTimer);
  for (const context of contexts) {
    for (const req of context.live) req.destroy();
    context.agent.destroy();
  }
  if (signal.aborted) throw new CanceledError();
  if (failure) throw failure instanceof PhaseError ? failure : new PhaseError(failure.message);
  // Upload to our endpoint: the receiver's count at our sampling instants replaces the sender's.
  let uploadCountedAt: HttpPhaseRun['uploadCountedAt'];
  if (plan.directions.includes('upload')) {
    const received = endpoints.uploadIsOurs ? receiverSamples(receiverStreams, samples.upload, UPLOAD_REPORT_MS) : undefined;
    if (received) samples.upload = received;
    uploadCountedAt = received ? 'receiver' : 'sender';
  }
  return {
    uploadCountedAt,
    samples: Object.fromEntries(plan.directions.map((d) => [d, samples[d]])) as Record<Direction, ByteSample[]>,
    totalBytes: { ...counters },
    requests,
    serverConfirmedUploadBytes: serverBytes.known && plan.directions.includes('upload') ? serverBytes.value : undefined,
    elapsedMs: performance.now() - t0,
  };
}

/**
 * GET the download URL again and again until the phase ends, counting body bytes per chunk: on a
 * plain socket for http Content-Length answers (http-download-raw.ts), else with node:http.
 */
async function downloadLoop(url: string, context: StreamContext, count: (n: number) => void, onRequest: () => void): Promise<void> {
  const headers = targetHeaders(context.endpoints.authorization);
  const raw = await rawDownloadLoop({ url, address: context.endpoints.address, headers, sockets: context.rawSockets, stopped: () => context.stopped, count, onRequest });
  if (raw === 'stopped') return;
  while (!context.stopped) {
    onRequest();
    await new Promise<void>((resolve, reject) => {
      const req = rawRequest(url, { method: 'GET', agent: context.agent, lookup: context.lookup, headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new PhaseError(httpFailure(url, res.statusCode)));
        }
        let ended = false;
        res.on('data', (chunk: Buffer) => count(chunk.length));
        res.once('end', () => {
          ended = true;
          resolve();
        });
        res.once('error', (error) => (context.stopped ? resolve() : reject(new PhaseError(httpFailure(url, undefined, error)))));
        res.once('close', () => (ended || context.stopped ? resolve() : reject(new PhaseError(`${httpFailure(url, undefined)}: the connection closed mid-body`))));
      });
      context.live.add(req);
      req.once('close', () => context.live.delete(req));
      req.once('error', (error) => (context.stopped ? resolve() : reject(new PhaseError(httpFailure(url, undefined, error)))));
      req.end();
    });
  }
}

/**
 * POST to the upload URL. To our endpoint: one chunked body per stream for the whole phase,
 * ended when the phase ends, while the server streams back what it has received (the figure
 * then comes from the receiver, see receiver-counts.ts). To a third-party sink: fixed-size
 * bodies with a Content-Length (what most servers accept), one after another, counted as the
 * kernel takes them (the write callback): the best a sender can know, and labelled as such.
 */
async function uploadLoop(url: string, context: StreamContext, count: (n: number) => void, onRequest: () => void, onServerBytes: (n: number) => void, reports: StreamReports): Promise<void> {
  const payload = randomBuffer();
  const chunkBytes = 64 * 1024;
  const ours = context.endpoints.uploadIsOurs;
  while (!context.stopped) {
    onRequest();
    await new Promise<void>((resolve, reject) => {
      const limit = ours ? Infinity : context.plan.uploadRequestBytes;
      const headers = targetHeaders(context.endpoints.authorization, { 'content-type': 'application/octet-stream', ...(ours ? {} : { 'content-length': String(limit) }) });
      const target = ours ? `${url}${url.includes('?') ? '&' : '?'}progress_ms=${UPLOAD_REPORT_MS}` : url;
      const req = rawRequest(target, { method: 'POST', agent: context.agent, lookup: context.lookup, headers }, (res) => {
        const failed = res.statusCode === undefined || res.statusCode >= 300;
        let pending = '';
        let last: { bytes?: number; done?: boolean } = {};
        res.on('data', (chunk: Buffer) => {
          if (failed || !ours) return;
          // NDJSON from our server: {bytes, t_ms} while the body arrives, then {bytes, done: true}.
          pending += chunk.toString();
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            try {
              last = JSON.parse(line) as { bytes: number; t_ms: number; done?: boolean };
              const report = last as { bytes: number; t_ms: number };
              if (Number.isFinite(report.bytes) && Number.isFinite(report.t_ms)) reports.report(report.t_ms, report.bytes, performance.now() - context.t0);
            } catch {
              // Not our server's line (a proxy's page): the sender's count will stand.
            }
          }
        });
        res.once('end', () => {
          if (failed) return context.stopped ? resolve() : reject(new PhaseError(httpFailure(url, res.statusCode)));
          if (ours) {
            reports.endRequest();
            if (last.done && typeof last.bytes === 'number') onServerBytes(last.bytes);
          }
          resolve();
        });
        res.once('error', () => resolve());
      });
      context.live.add(req);
      req.once('close', () => context.live.delete(req));
      req.once('error', (error) => (context.stopped ? resolve() : reject(new PhaseError(httpFailure(url, undefined, error)))));
      let sent = 0;
      let offset = 0;
      const pump = () => {
        while (!context.stopped && sent < limit) {
          const n = Math.min(chunkBytes, limit - sent);
          if (offset + n > payload.length) offset = 0;
          const slice = payload.subarray(offset, offset + n);
          offset += n;
          sent += n;
          const flowing = req.write(slice, (error) => {
            if (!error) count(n);
          });
          if (!flowing) {
            req.once('drain', pump);
            return;
          }
        }
        if (!req.destroyed && !req.writableEnded) req.end();
      };
      pump();
    });
  }
}
