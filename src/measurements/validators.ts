import { isIP } from 'node:net';

/**
 * Validators for the names and addresses a user hands to a measurement. Every value here ends up
 * as an argument of an external program (mtr, iperf3) or a socket address on an agent, so they
 * are strict: no whitespace, no shell metacharacters, no leading `-` (a value like
 * `-oProxyCommand=…` would be read as an option), nothing that looks like a path.
 * Each returns `undefined` when the value is fine, else the reason in words (no field name: the
 * caller knows which field it checked).
 */

const MAX_HOSTNAME_LENGTH = 253;
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const SHELL_METACHARACTERS = /[;&|`$<>(){}[\]\\'"!*?~#^]/;
const ZONE_ID = /^[A-Za-z0-9_.-]{1,15}$/;

/** Problems every user-supplied name shares, checked first so the message names the real issue. */
function commonProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (/\s/.test(value)) return 'must not contain whitespace';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (value.startsWith('-')) return "must not start with '-' (it would be read as a program option)";
  if (value.includes('..') || value.includes('/')) return "must not contain '/' or '..' (a path is not a host)";
  return undefined;
}

/** An IPv4 or IPv6 address; IPv6 may carry a zone (`fe80::1%eth0`) for link-local targets. */
export function isIpAddress(value: string): boolean {
  const [address, zone, extra] = value.split('%');
  if (extra !== undefined || address === undefined) return false;
  if (zone !== undefined) return isIP(address) === 6 && ZONE_ID.test(zone);
  return isIP(address) !== 0;
}

export function ipAddressError(value: string): string | undefined {
  return commonProblem(value) ?? (isIpAddress(value) ? undefined : 'must be an IPv4 or IPv6 address');
}

/**
 * A DNS hostname (RFC 1123 labels; `_` allowed for SRV/TXT owner names such as `_sip._tcp.x`),
 * optionally fully qualified with a trailing dot.
 */
export function hostnameError(value: string): string | undefined {
  const common = commonProblem(value);
  if (common) return common;
  if (SHELL_METACHARACTERS.test(value)) return 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?';
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0) return 'must be a hostname';
  if (name.length > MAX_HOSTNAME_LENGTH) return `must be at most ${MAX_HOSTNAME_LENGTH} characters`;
  const labels = name.split('.');
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'is neither a valid IP address nor a hostname (a top-level label is never all digits)';
  for (const label of labels) {
    if (label.length === 0) return 'must not contain empty labels (..)';
    if (label.length > 63) return 'labels must be at most 63 characters';
    if (!LABEL.test(label)) return 'must be a hostname: letters, digits, - and _ in dot-separated labels, no label starting or ending with -';
  }
  return undefined;
}

/** A trace or probe target: a hostname or an IP address. */
export function targetError(value: string): string | undefined {
  const common = commonProblem(value);
  if (common) return common;
  if (isIpAddress(value)) return undefined;
  if (value.includes(':')) return 'must be a hostname or an IP address (no port, no URL)';
  const hostname = hostnameError(value);
  return hostname ? hostname.replace('must be a hostname', 'must be a hostname or an IP address') : undefined;
}

export interface ResolverAddress {
  address: string;
  port: number;
}

/** `ip`, `ip:port` or `[v6]:port` → address and port (53 by default); undefined when malformed. */
export function parseResolver(value: string): ResolverAddress | undefined {
  if (commonProblem(value)) return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) {
    const [, address, port] = bracketed;
    if (!address || !isIpAddress(address) || isIP(address.split('%')[0]!) !== 6) return undefined;
    return withPort(address, port);
  }
  if (isIpAddress(value)) return { address: value, port: 53 };
  const hostPort = /^([0-9.]+):(\d{1,5})$/.exec(value);
  if (hostPort && isIP(hostPort[1]!) === 4) return withPort(hostPort[1]!, hostPort[2]);
  return undefined;
}

function withPort(address: string, port: string | undefined): ResolverAddress | undefined {
  if (port === undefined) return { address, port: 53 };
  const n = Number(port);
  return n >= 1 && n <= 65535 ? { address, port: n } : undefined;
}

export function resolverError(value: string): string | undefined {
  const common = commonProblem(value);
  if (common) return common;
  return parseResolver(value) ? undefined : 'must be an IP address, ip:port or [ipv6]:port (a resolver is queried directly, not looked up by name)';
}

/**
 * A speedtest target (DESIGN §12): `auto`, `server`, `agent:NAME`, a known target's name, an
 * http(s) URL, or `host` / `host:port` / `[v6]:port` for iPerf3. Only the form is checked here;
 * the server resolves what it means.
 */
export function speedtestTargetError(value: string): string | undefined {
  if (/^https?:\/\//i.test(value)) return urlError(value);
  const common = commonProblem(value);
  if (common) return common;
  if (value === 'auto' || value === 'server') return undefined;
  const agent = /^agent:(.+)$/.exec(value);
  if (agent) return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(agent[1]!) ? undefined : 'agent:NAME needs an agent name of letters, digits, . _ -';
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
  if (v6) return isIP(v6[1]!) === 6 && Number(v6[2]) >= 1 && Number(v6[2]) <= 65535 ? undefined : 'must be [ipv6]:port with a port 1-65535';
  const hostPort = /^([^:]+):(\d{1,5})$/.exec(value);
  const host = hostPort ? hostPort[1]! : value;
  if (hostPort && !(Number(hostPort[2]) >= 1 && Number(hostPort[2]) <= 65535)) return 'port must be 1-65535';
  if (isIpAddress(host)) return undefined;
  const problem = hostnameError(host);
  return problem ? 'must be auto, server, agent:NAME, a target name, an http(s) URL, or host[:port]' : undefined;
}

/** An absolute http(s) URL with a host and no credentials or whitespace. */
export function urlError(value: string): string | undefined {
  if (/\s/.test(value)) return 'must not contain whitespace';
  if (value.length > 2048) return 'must be at most 2048 characters';
  // `http:///etc/passwd` parses (host "etc"), but is not what anyone meant: the host comes first.
  if (/^https?:/i.test(value) && !/^https?:\/\/[^/?#]/i.test(value)) return 'must be an http(s) URL with a host (http://host/…)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!isIpAddress(host) && hostnameError(host)) return 'must name a valid host';
  return undefined;
}
