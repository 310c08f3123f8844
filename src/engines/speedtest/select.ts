import type { ResolvedTarget } from '../../measurements/job.js';
import { probeRoundTrips, type ProbePlan } from './latency.js';
import { routesFor, resolveAddress, type TargetRoutes } from './target-routes.js';

export interface SelectionRow {
  name: string;
  engine: ResolvedTarget['engine'];
  host: string;
  address?: string;
  method?: string;
  rttMs?: number;
  answered: number;
  sent: number;
  error?: string;
}

/** The nearest reachable candidate: lowest median RTT; on a tie the one listed first. Pure. */
export function chooseNearest(rows: readonly SelectionRow[]): number | undefined {
  let best: number | undefined;
  rows.forEach((row, i) => {
    if (row.rttMs === undefined) return;
    if (best === undefined || row.rttMs < rows[best]!.rttMs!) best = i;
  });
  return best;
}

/**
 * `auto`: a short latency probe of every candidate, in parallel (probes are tiny), and the
 * nearest wins. The table is kept in the result so the choice can be checked later.
 */
export async function probeCandidates(candidates: ResolvedTarget[], plan: ProbePlan, tcpConnectProbes: number, downloadRequestBytes: number, signal: AbortSignal): Promise<{ rows: SelectionRow[]; routes: (TargetRoutes | undefined)[] }> {
  const routes: (TargetRoutes | undefined)[] = [];
  const rows = await Promise.all(
    candidates.map(async (target, i): Promise<SelectionRow> => {
      const row: SelectionRow = { name: target.name, engine: target.engine, host: target.host, answered: 0, sent: 0 };
      try {
        const address = await resolveAddress(target.host);
        row.address = address;
        const r = routesFor(target, address, downloadRequestBytes);
        routes[i] = r;
        const route = r.latency;
        const count = route.method === 'tcp-connect' ? Math.min(plan.count, tcpConnectProbes) : plan.count;
        const run = await probeRoundTrips(route, { ...plan, count }, signal);
        row.method = run.method;
        row.sent = run.samplesMs.length;
        row.answered = run.answered;
        if (run.medianMs !== undefined) row.rttMs = run.medianMs;
        else row.error = 'no answer';
      } catch (error) {
        if (signal.aborted) throw error;
        row.error = (error as Error).message;
      }
      return row;
    }),
  );
  return { rows, routes };
}
