import { isIP } from 'node:net';

/**
 * Strict checks for the hosts a speedtest target names. A host ends up as an argument of
 * `iperf3 -c` or as a socket address, so nothing that could be read as an option (a leading
 * `-`), a second argument (whitespace) or shell syntax gets through, even though we never use a
 * shell. Each check returns the problem in words, or undefined when the value is fine.
 */

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const ZONE = /^[A-Za-z0-9_.-]{1,15}$/;

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\s\u0000-\u001f\u007f]/;

/** Whitespace and control characters are refused anywhere in a target, URLs included. */
export function unprintableProblem(value: string): string | undefined {
  return UNPRINTABLE.test(value) ? 'must not contain whitespace or control characters' : undefined;
}

/** An IPv4 address, or an IPv6 address with an optional zone (`fe80::1%eth0`). */
export function isIpAddress(value: string): boolean {
  const [address, zone, extra] = value.split('%');
  if (extra !== undefined || address === undefined) return false;
  if (zone !== undefined) return isIP(address) === 6 && ZONE.test(zone);
  return isIP(address) !== 0;
}

/** A hostname (RFC 1123 labels, `_` tolerated as internal names use it) or an IP address. */
export function hostProblem(value: string): string | undefined {
  if (value.length === 0) return 'must name a host';
  const unprintable = unprintableProblem(value);
  if (unprintable) return unprintable;
  if (value.startsWith('-')) return "must not start with '-' (it would be read as a program option)";
  if (isIpAddress(value)) return undefined;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return 'must be a hostname of 1 to 253 characters or an IP address';
  const labels = name.split('.');
  // 999.1.1.1 or 10.1.1 are mistyped addresses, not names: no top-level label is all digits.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'is neither a valid IP address nor a hostname';
  for (const label of labels) {
    if (!LABEL.test(label)) return 'must be a hostname (letters, digits, - and _ in dot-separated labels, none starting or ending with -) or an IP address';
  }
  return undefined;
}

export function portProblem(value: string): string | undefined {
  if (!/^\d{1,5}$/.test(value)) return 'port must be a number from 1 to 65535';
  const port = Number(value);
  return port >= 1 && port <= 65535 ? undefined : 'port must be a number from 1 to 65535';
}

/** `host`, `host:port`, `v6` or `[v6]:port` → host (no brackets) and port; or the problem. */
export function parseHostPort(value: string): { host: string; port: number | undefined } | { problem: string } {
  const unprintable = unprintableProblem(value);
  if (unprintable) return { problem: unprintable };
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(value);
  let host = value;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
    if (isIP(host.split('%')[0]!) !== 6) return { problem: 'only an IPv6 address goes in brackets' };
  } else if (isIpAddress(value)) {
    host = value; // a bare IPv6 address has colons but no port
  } else if (value.includes(':')) {
    const at = value.lastIndexOf(':');
    host = value.slice(0, at);
    port = value.slice(at + 1);
    if (host.includes(':')) return { problem: 'an IPv6 address with a port goes in brackets: [v6]:port' };
  }
  const problem = hostProblem(host) ?? (port !== undefined ? portProblem(port) : undefined);
  if (problem) return { problem };
  return { host, port: port === undefined ? undefined : Number(port) };
}

/** An absolute http(s) URL without credentials, naming a valid host. */
export function parseHttpUrl(value: string): URL | { problem: string } {
  const unprintable = unprintableProblem(value);
  if (unprintable) return { problem: unprintable };
  if (value.length > 2048) return { problem: 'must be at most 2048 characters' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'must be an http(s) URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'must be an http(s) URL' };
  if (url.username || url.password) return { problem: 'must not carry credentials (user:password@)' };
  const problem = hostProblem(urlHost(url));
  return problem ? { problem: `host ${problem}` } : url;
}

/** The URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** The URL's port, or its scheme's default. */
export function urlPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
