import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgentCapabilities } from '../agents/protocol.js';
import { detectDiagnosticCapabilities } from '../engines/capabilities.js';

const exec = promisify(execFile);

async function iperf3(): Promise<{ present: boolean; version: string | null }> {
  try {
    const { stdout } = await exec('iperf3', ['--version'], { timeout: 5000 });
    return { present: true, version: stdout.split('\n')[0]?.trim() ?? null };
  } catch (error) {
    return { present: (error as NodeJS.ErrnoException).code !== 'ENOENT', version: null };
  }
}

/** What this host can measure, sent in the agent's hello. */
export async function detectCapabilities(): Promise<AgentCapabilities> {
  const [diagnostics, iperf] = await Promise.all([detectDiagnosticCapabilities(), iperf3()]);
  return { ...diagnostics, iperf3: iperf };
}
