import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { Type, type Static } from 'typebox';
import { MtrOutputError, parseMtrReport } from './trace/mtr-report.js';
import { explainMtrFailure } from './trace/mtr-args.js';
import { mtrVersion } from './trace/mtr-version.js';

/**
 * What this host can do for the diagnostic engines, found by trying rather than assuming: the
 * agent sends it in its hello so the server can refuse a job a host cannot run, with the reason.
 */
export const DiagnosticCapabilities = Type.Object({
  mtr: Type.Object({
    present: Type.Boolean(),
    version: Type.Union([Type.String(), Type.Null()]),
    /** A real one-probe trace to 127.0.0.1 worked (mtr-packet may open raw sockets). */
    raw_sockets: Type.Boolean(),
    /** interval_ms below 1000 (mtr allows it only for root). */
    subsecond_interval: Type.Boolean(),
    /** Why mtr cannot be used, when it cannot. */
    reason: Type.Optional(Type.String()),
  }),
  ipv6: Type.Object({
    /** A UDP socket could bind ::1. */
    loopback: Type.Boolean(),
    /** The host has a global or unique-local (ULA) IPv6 address, so it can reach IPv6 targets. */
    global: Type.Boolean(),
    addresses: Type.Array(Type.String()),
  }),
});
export type DiagnosticCapabilities = Static<typeof DiagnosticCapabilities>;

export interface CapabilityOptions {
  mtrPath?: string;
  uid?: number;
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Global unicast (2000::/3) and unique-local (fc00::/7) addresses: the ones that route off-link. */
export function routableIpv6Addresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const out: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv6' || info.internal) continue;
      const first = parseInt(info.address.split(':')[0] || '0', 16);
      if ((first & 0xe000) === 0x2000 || (first & 0xfe00) === 0xfc00) out.push(info.address);
    }
  }
  return out;
}

function ipv6LoopbackWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp6');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(0, '::1', () => {
      socket.close();
      resolve(true);
    });
  });
}

function tinyTrace(mtrPath: string): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    execFile(mtrPath, ['--json', '-n', '-c', '1', '-i', '1', '-G', '1', '-m', '1', '--', '127.0.0.1'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) return resolve({ ok: false, reason: explainMtrFailure(stderr, typeof error.code === 'number' ? error.code : null) });
      try {
        const hop = parseMtrReport(stdout).hops[0];
        resolve(hop && hop.address === '127.0.0.1' && hop.loss_pct < 100 ? { ok: true } : { ok: false, reason: 'mtr ran but 127.0.0.1 did not answer its probe' });
      } catch (e) {
        resolve({ ok: false, reason: e instanceof MtrOutputError ? e.message : String(e) });
      }
    });
  });
}

async function detectMtr(mtrPath: string, uid: number): Promise<DiagnosticCapabilities['mtr']> {
  const version = await mtrVersion(mtrPath);
  if (!version.ok) return { present: false, version: null, raw_sockets: false, subsecond_interval: false, reason: version.reason };
  const run = await tinyTrace(mtrPath);
  return { present: true, version: version.version, raw_sockets: run.ok, subsecond_interval: run.ok && uid === 0, ...(run.reason ? { reason: run.reason } : {}) };
}

export async function detectDiagnosticCapabilities(options: CapabilityOptions = {}): Promise<DiagnosticCapabilities> {
  const [mtr, loopback] = await Promise.all([detectMtr(options.mtrPath ?? 'mtr', options.uid ?? process.getuid?.() ?? 0), ipv6LoopbackWorks()]);
  const addresses = routableIpv6Addresses((options.interfaces ?? networkInterfaces)());
  return { mtr, ipv6: { loopback, global: addresses.length > 0, addresses } };
}
