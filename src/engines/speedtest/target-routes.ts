import { lookup } from 'node:dns/promises';
import type { ResolvedTarget } from '../../measurements/job.js';
import { hostProblem } from '../../measurements/target-host.js';
import { PhaseError } from './http-errors.js';
import type { HttpEndpoints } from './http-phase.js';
import type { ProbeRoute } from './latency.js';

/** How to reach one resolved target for each part of a speedtest. */
export interface TargetRoutes {
  address: string;
  /** Best round-trip method: the UDP reflector when there is one. */
  latency: ProbeRoute;
  /** When the reflector stays silent: HTTP ping or TCP connect. */
  fallback: ProbeRoute | undefined;
  reflector: { address: string; port: number } | undefined;
  http: HttpEndpoints | undefined;
  iperf3: { address: string; port: number } | undefined;
}

/** The target's address, looked up once: every probe and stream of the run goes there. */
export async function resolveAddress(host: string): Promise<string> {
  const problem = hostProblem(host);
  if (problem) throw new PhaseError(`target host ${JSON.stringify(host)} ${problem}`);
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new PhaseError(`could not resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function routesFor(target: ResolvedTarget, address: string, downloadRequestBytes = 1024 * 1024 * 1024): TargetRoutes {
  const reflector = target.reflector_port !== undefined ? { address, port: target.reflector_port } : undefined;
  let http: HttpEndpoints | undefined;
  let fallback: ProbeRoute | undefined;
  if (target.engine === 'http') {
    const base = target.base_url?.replace(/\/+$/, '');
    const downloadUrl = target.download_url ?? (base ? `${base}/speed/download?bytes=${downloadRequestBytes}` : undefined);
    const uploadUrl = target.upload_url ?? (base ? `${base}/speed/upload` : undefined);
    http = { downloadUrl, uploadUrl, uploadIsOurs: !target.upload_url && base !== undefined, authorization: target.authorization, address };
    if (base) fallback = { method: 'http-ping', baseUrl: base, ...(target.authorization ? { authorization: target.authorization } : {}) };
    else {
      const url = new URL(target.download_url ?? target.upload_url ?? `http://${target.host}/`);
      fallback = { method: 'tcp-connect', address, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
    }
  }
  const iperf3 = target.engine === 'iperf3' ? { address, port: target.port ?? 5201 } : undefined;
  if (iperf3) fallback = { method: 'tcp-connect', address, port: iperf3.port };
  const latency: ProbeRoute = reflector ? { method: 'udp-echo', address, port: reflector.port } : fallback!;
  return { address, latency, fallback: reflector ? fallback : undefined, reflector, http, iperf3 };
}
