import { execFile } from 'node:child_process';

export type MtrVersion = { ok: true; version: string } | { ok: false; reason: string };

const cache = new Map<string, Promise<MtrVersion>>();

/** `mtr --version` once per path: confirms mtr is installed and names the version in results. */
export function mtrVersion(mtrPath: string): Promise<MtrVersion> {
  let pending = cache.get(mtrPath);
  if (!pending) {
    pending = new Promise((resolve) => {
      execFile(mtrPath, ['--version'], { timeout: 5000 }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ ok: false, reason: 'mtr is not installed on this agent (apt-get install mtr-tiny)' });
        else if (error) resolve({ ok: false, reason: `mtr --version failed (${error.message.split('\n')[0]})` });
        else resolve({ ok: true, version: stdout.trim().replace(/^mtr\s+/, '') || 'unknown' });
      });
    });
    // A missing mtr may be installed later: only successes are remembered.
    void pending.then((v) => {
      if (!v.ok) cache.delete(mtrPath);
    });
    cache.set(mtrPath, pending);
  }
  return pending;
}
