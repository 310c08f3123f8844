import { spawn } from 'node:child_process';
import { CanceledError } from './abort.js';
import { PhaseError } from './http-errors.js';

/**
 * Runs the iperf3 client to completion and returns its stdout (the JSON report). Never hangs:
 * the child is killed when the caller aborts or when it overruns `timeoutMs`; never throws
 * anything but CanceledError or PhaseError with a reason a NOC engineer can act on.
 */
export function runIperf3(iperf3Path: string, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CanceledError());
    const child = spawn(iperf3Path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outcome: 'timeout' | 'aborted' | undefined;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.length < 64 && stderr.push(chunk));

    const kill = () => {
      child.kill('SIGTERM');
      // iperf3 normally stops on SIGTERM at once; a wedged one does not get to keep the agent busy.
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 1000).unref();
    };
    const timer = setTimeout(() => {
      outcome = 'timeout';
      kill();
    }, timeoutMs);
    const onAbort = () => {
      outcome = 'aborted';
      kill();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(new PhaseError(error.code === 'ENOENT' ? 'iperf3 is not installed on this agent' : `iperf3 could not be started: ${error.message}`));
    });
    child.once('close', (code, killedBy) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (outcome === 'aborted') return reject(new CanceledError());
      if (outcome === 'timeout') return reject(new PhaseError(`iperf3 did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`));
      const out = Buffer.concat(stdout).toString();
      // iperf3 -J reports its own errors inside the JSON, often with exit code 0 or 1: the caller parses.
      if (out.trim().startsWith('{')) return resolve(out);
      const err = Buffer.concat(stderr).toString().trim();
      reject(new PhaseError(`iperf3 exited (${killedBy ?? `code ${code}`}) without a report${err ? `: ${err.slice(0, 300)}` : ''}`));
    });
  });
}
