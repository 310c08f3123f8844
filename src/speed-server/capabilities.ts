import { execFile } from 'node:child_process';

export interface BandwidthCapabilities {
  iperf3: { present: true; version: string; /** `--bidir` needs 3.7 */ bidir: boolean } | { present: false; reason: string };
}

/** `iperf 3.12 (cJSON 1.7.15)` → `3.12`. */
export function parseIperf3Version(output: string): string | undefined {
  return /iperf\s+(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** What this host can measure bandwidth with; sent in the agent's hello (DESIGN §4). */
export async function detectBandwidthCapabilities(iperf3Path = 'iperf3'): Promise<BandwidthCapabilities> {
  const output = await new Promise<string | Error>((resolve) => {
    execFile(iperf3Path, ['--version'], { timeout: 5000 }, (error, stdout, stderr) => {
      // Some builds exit non-zero on --version yet print it.
      const text = `${stdout}${stderr}`;
      if (error && !parseIperf3Version(text)) resolve(error);
      else resolve(text);
    });
  });
  if (output instanceof Error) {
    const code = (output as NodeJS.ErrnoException).code;
    return { iperf3: { present: false, reason: code === 'ENOENT' ? 'iperf3 is not installed' : `iperf3 --version failed: ${output.message}` } };
  }
  const version = parseIperf3Version(output);
  if (!version) return { iperf3: { present: false, reason: `iperf3 --version printed no version: ${output.slice(0, 80)}` } };
  return { iperf3: { present: true, version, bidir: versionAtLeast(version, '3.7') } };
}
