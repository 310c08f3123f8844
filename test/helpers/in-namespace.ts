// Processes inside a test namespace: long-running servers (started, awaited until ready, stopped
// by their own pid) and one-shot engine runs that return the engine's result.
import type { ChildProcess } from 'node:child_process';
import type { MeasurementJob, MeasurementResult, Progress } from '../../src/measurements/job.js';
import type { Host } from './netns.js';

export interface NsProcess {
  child: ChildProcess;
  /** What the process printed on its ready line. */
  ready: string;
  /** Every complete line it printed so far. */
  lines(): string[];
  stop(): Promise<void>;
}

/** Starts `node --import tsx SCRIPT ...args` in the namespace and waits for a line starting with "ready". */
export function startNodeIn(host: Host, script: string, args: string[], timeoutMs = 20_000): Promise<NsProcess> {
  const child = host.spawn('node', ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready after ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready: ${out}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        child,
        ready: line,
        lines: () => out.split('\n').slice(0, -1),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }),
      });
    });
  });
}

export interface EngineRun {
  result: MeasurementResult;
  wall_ms: number;
  progress: Progress[];
}

/** Runs a job on the registered engines inside the namespace, as an agent there would. */
export async function runEngineIn(host: Host, job: MeasurementJob): Promise<EngineRun> {
  const stdout = await host.run('node', ['--import', 'tsx', 'test/helpers/engine-runner.ts', JSON.stringify(job)]);
  return JSON.parse(stdout) as EngineRun;
}
