// Scenario 5, engine ceiling: the HTTP engine against the real iperf3, both on loopback in the
// same run, download and upload, and the CPU each spends per Gbit/s (client + server side).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../src/config/bench.js';
import type { MeasurementResult } from '../src/measurements/job.js';
import type { Mode } from './installation.js';
import { freePort, processUsage } from './processes.js';
import type { Section } from './section.js';
import { fmt, quantile } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeArgs = (script: string) => ['--import', 'tsx', path.join(here, script)];

/** Light latency/loss plans: this scenario is about throughput. */
const ENGINE_OPTIONS = { icmpPing: false, idleProbes: { count: 10, intervalMs: 20, timeoutMs: 1000 }, tcpConnectProbes: 2, loss: { packets: 100, batchPackets: 10, batchIntervalMs: 10, packetBytes: 64, waitMs: 300 }, warmupMs: 1000 };

interface Target {
  child: ChildProcess;
  port: number;
  reflectorPort: number;
  iperf3Port: number | null;
}

async function startTarget(): Promise<Target> {
  const child = spawn(process.execPath, [...nodeArgs('../test/helpers/speed-target-main.ts'), '127.0.0.1', '0', String(await freePort())], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  const ready = await new Promise<Omit<Target, 'child'>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /READY (.*)\n/.exec(out);
      if (line) resolve(JSON.parse(line[1]!));
    });
    child.once('exit', (code) => reject(new Error(`speed target exited (${code})`)));
  });
  return { child, ...ready };
}

/** CPU seconds of the target process and its live children (the iperf3 server). */
function targetCpuS(pid: number): number {
  let total = processUsage(pid).cpuS;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const child of children) total += processUsage(Number(child)).cpuS;
  return total;
}

function runOnce(spec: unknown): Promise<{ result: MeasurementResult; cpuS: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs('speedtest-once.ts'), JSON.stringify({ spec, options: ENGINE_OPTIONS })], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`speedtest exited ${code}`))));
  });
}

export async function engineScenario(config: BenchConfig, _modes: Mode[]): Promise<Section> {
  const durationS = config.quick ? 5 : 10;
  const streams = 4;
  const repeats = config.quick ? 1 : 3;
  const section: Section = {
    heading: 'Engine ceiling',
    intro: `One host, loopback only: the HTTP engine (\`/speed/download\`, \`/speed/upload\` of the speed listener) and the real iperf3 (client and the managed \`iperf3 -s\`), ${streams} TCP streams, ${durationS} s per direction after a 1 s warm-up, one after the other in the same run, ${repeats > 1 ? `${repeats} interleaved repeats, median` : 'once each'}. CPU: client process (+ the iperf3 client it runs) and server side (speed listener + iperf3 server), per Gbit/s measured.`,
    columns: ['direction', 'HTTP Gbit/s (median)', 'iperf3 Gbit/s (median)', 'HTTP / iperf3', 'HTTP CPU s per Gbit/s', 'iperf3 CPU s per Gbit/s', 'HTTP runs', 'iperf3 runs'],
    rows: [],
    notes: [],
  };
  const iperf3 = spawnSync('iperf3', ['--version'], { encoding: 'utf8' });
  if (iperf3.error) {
    section.intro = 'Not measured: iperf3 is not installed.';
    return section;
  }
  section.notes.push(`iperf3: ${iperf3.stdout.split('\n')[0]?.trim()}`);
  const target = await startTarget();
  try {
    for (const direction of ['download', 'upload'] as const) {
      // Interleaved repeats, median of each: the machine's other load moves both engines alike.
      const runs: Record<'http' | 'iperf3', { gbps: number; cpuPerGbps: number }[]> = { http: [], iperf3: [] };
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const engine of ['http', 'iperf3'] as const) {
          const candidate = engine === 'http'
            ? { name: 'loopback-http', engine, host: '127.0.0.1', base_url: `http://127.0.0.1:${target.port}`, reflector_port: target.reflectorPort }
            : { name: 'loopback-iperf3', engine, host: '127.0.0.1', port: target.iperf3Port!, reflector_port: target.reflectorPort };
          const spec = { target: candidate.name, protocol: 'tcp', direction, duration: durationS, streams, simultaneous: false, candidates: [candidate] };
          const serverBefore = targetCpuS(target.child.pid!);
          const { result, cpuS } = await runOnce(spec);
          const serverCpuS = targetCpuS(target.child.pid!) - serverBefore;
          if (result.status === 'failed') {
            section.notes.push(`${direction} ${engine} failed: ${result.error ?? 'failed'}`);
            continue;
          }
          const gbps = (result.metrics[direction === 'download' ? 'download_mbps' : 'upload_mbps'] ?? Number.NaN) / 1000;
          runs[engine].push({ gbps, cpuPerGbps: (cpuS + serverCpuS) / durationS / gbps });
        }
      }
      const median = (list: { gbps: number; cpuPerGbps: number }[], key: 'gbps' | 'cpuPerGbps') => quantile(list.map((r) => r[key]), 0.5);
      const http = median(runs.http, 'gbps');
      const ip = median(runs.iperf3, 'gbps');
      section.rows.push([direction, fmt(http, 2), fmt(ip, 2), `${fmt((http / ip) * 100, 0)} %`, fmt(median(runs.http, 'cpuPerGbps'), 2), fmt(median(runs.iperf3, 'cpuPerGbps'), 2), runs.http.map((r) => fmt(r.gbps, 2)).join(' / '), runs.iperf3.map((r) => fmt(r.gbps, 2)).join(' / ')]);
    }
  } finally {
    target.child.stdin!.end();
    await new Promise((resolve) => (target.child.exitCode !== null ? resolve(null) : target.child.once('exit', resolve)));
  }
  section.notes.push('CPU s per Gbit/s = (client CPU s + server CPU s) / duration / Gbit/s: the cores one Gbit/s keeps busy on loopback (both ends on one host; includes the latency and loss probes around the transfer).');
  return section;
}
