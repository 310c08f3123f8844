import { readFile } from 'node:fs/promises';
import { isIpAddress } from '../../measurements/validators.js';

/** The `nameserver` lines of a resolv.conf text, in order (glibc uses at most 3; we query all). */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, value] = line.split(/\s+/);
    if (keyword === 'nameserver' && value && isIpAddress(value)) out.push(value);
  }
  return out;
}

/** The host's configured resolvers; the path is a parameter so tests (and odd hosts) pass another. */
export async function readSystemResolvers(path = '/etc/resolv.conf'): Promise<string[]> {
  return parseResolvConf(await readFile(path, 'utf8'));
}
