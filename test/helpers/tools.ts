// Skips for tests that need a system tool or privilege. Under FLUX_REQUIRE_ALL=1 the test runner
// counts every skip as a failure, so CI cannot hide a missing tool.
import { execFileSync } from 'node:child_process';

function has(command: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch (error) {
    // Some tools exit non-zero for --version but exist.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as { status?: number }).status !== undefined;
  }
}

const cache = new Map<string, string | undefined>();

/** undefined when available, else the reason to skip. */
export function missing(requirement: 'iperf3' | 'mtr' | 'netns' | 'nft' | 'chromium' | 'nginx' | 'pdftotext' | 'ping' | 'openssl' | 'docker-compose' | 'dig' | 'shellcheck'): string | undefined {
  if (cache.has(requirement)) return cache.get(requirement);
  let reason: string | undefined;
  switch (requirement) {
    case 'netns':
      if (process.getuid?.() !== 0) reason = 'network namespaces need root';
      else if (!has('ip', ['netns', 'list'])) reason = 'ip netns is not available';
      break;
    case 'chromium':
      reason = has('chromium', ['--version']) ? undefined : 'chromium is not installed (apt-get install chromium)';
      break;
    case 'pdftotext':
      reason = has('pdftotext', ['-v']) ? undefined : 'pdftotext is not installed (apt-get install poppler-utils)';
      break;
    case 'nginx':
      reason = has('nginx', ['-v']) ? undefined : 'nginx is not installed (apt-get install nginx-light)';
      break;
    case 'mtr':
      reason = has('mtr', ['--version']) ? undefined : 'mtr is not installed (apt-get install mtr-tiny)';
      break;
    case 'ping':
      reason = has('ping', ['-V']) ? undefined : 'ping is not installed (apt-get install iputils-ping)';
      break;
    case 'dig':
      reason = has('dig', ['-v']) ? undefined : 'dig is not installed (apt-get install bind9-dnsutils)';
      break;
    case 'openssl':
      reason = has('openssl', ['version']) ? undefined : 'openssl is not installed';
      break;
    default:
      reason = has(requirement, ['--version']) ? undefined : `${requirement} is not installed (apt-get install ${requirement})`;
  }
  cache.set(requirement, reason);
  return reason;
}

/** `{ skip: reason }` for node:test when any requirement is missing. */
export function requires(...requirements: Parameters<typeof missing>[0][]): { skip?: string } {
  for (const r of requirements) {
    const reason = missing(r);
    if (reason) return { skip: reason };
  }
  return {};
}
