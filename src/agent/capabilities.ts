import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgentCapabilities } from '../agents/protocol.js';

const exec = promisify(execFile);

async function version(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await exec(command, args, { timeout: 5000 });
    return (stdout || stderr).split('\n')[0]?.trim() || 'present';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'present';
  }
}

/** What this host can measure, sent in the agent's hello. */
export async function detectCapabilities(): Promise<AgentCapabilities> {
  const [iperf3, mtr] = await Promise.all([version('iperf3', ['--version']), version('mtr', ['--version'])]);
  return { iperf3: iperf3 !== undefined, ...(iperf3 ? { iperf3_version: iperf3 } : {}), mtr: mtr !== undefined };
}
