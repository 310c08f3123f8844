// Speed targets and speedtest runs as child processes inside network namespaces.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { MeasurementResult } from '../../src/measurements/job.js';
import type { SpeedtestEngineOptions } from '../../src/engines/speedtest/options.js';
import type { Host } from './netns.js';

const here = path.dirname(new URL(import.meta.url).pathname);

/** `node --import tsx script` inside the namespace (NODE_OPTIONS is not inherited: no double loader). */
function nodeIn(host: Host, script: string, args: string[]): ChildProcess {
  const env = { ...process.env, NODE_OPTIONS: '' };
  return host.spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: path.join(here, '..', '..') });
}

export interface SpeedTarget {
  port: number;
  reflectorPort: number;
  iperf3Port: number | null;
  stop(): Promise<void>;
}

export async function startSpeedTargetIn(host: Host, address: string, port: number, iperf3Port?: number): Promise<SpeedTarget> {
  const child = nodeIn(host, 'speed-target-main.ts', [address, String(port), ...(iperf3Port ? [String(iperf3Port)] : [])]);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = await new Promise<{ port: number; reflectorPort: number; iperf3Port: number | null }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`speed target did not start: ${stderr}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /READY (.*)\n/.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line[1]!));
      }
    });
    child.once('exit', (code) => reject(new Error(`speed target exited (${code}): ${stderr}`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function runSpeedtestIn(host: Host, spec: unknown, options: Partial<SpeedtestEngineOptions> = {}): Promise<MeasurementResult> {
  const child = nodeIn(host, 'speedtest-main.ts', [JSON.stringify({ spec, options })]);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`speedtest process exited ${code}: ${err}`);
  return JSON.parse(out) as MeasurementResult;
}
