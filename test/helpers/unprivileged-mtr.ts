// The real mtr run as an unprivileged user (nobody) with a copy of mtr-packet that lacks
// CAP_NET_RAW (copying drops file capabilities): what an agent without raw sockets sees.
// Needs root (setpriv). Returns the path of an executable wrapper to use as mtrPath.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function unprivilegedMtr(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flux-mtr-'));
  chmodSync(dir, 0o755);
  const packet = execFileSync('sh', ['-c', 'command -v mtr-packet'], { encoding: 'utf8' }).trim();
  copyFileSync(packet, path.join(dir, 'mtr-packet'));
  chmodSync(path.join(dir, 'mtr-packet'), 0o755);
  const wrapper = path.join(dir, 'mtr');
  writeFileSync(wrapper, `#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups env MTR_PACKET=${dir}/mtr-packet mtr "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
