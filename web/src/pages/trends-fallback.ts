import { api } from '../api/endpoints.js';
import type { MetricName, Trend } from '../api/types.js';

const WINDOW_MS: Record<string, number> = { '6h': 6 * 3600_000, '24h': 86400_000, '7d': 7 * 86400_000, '30d': 30 * 86400_000, '12m': 365 * 86400_000 };
const MAX_PAGES = 10;

/** Per-result points from the results list, for servers without the trends API. */
export async function trendFromResults(query: { agent: string; target?: string; metric: string; window: string }, signal: AbortSignal): Promise<Trend> {
  const from = new Date(Date.now() - (WINDOW_MS[query.window] ?? WINDOW_MS['24h']!)).toISOString();
  const points: Trend['points'] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api.results.list({ agent: query.agent, target: query.target, status: 'completed', from, cursor, limit: 500 }, signal);
    for (const r of answer.results) {
      const value = r.metrics[query.metric as MetricName];
      if (value !== undefined) points.push({ t: r.finished_at ?? r.created_at, avg: value });
    }
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  points.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
  return { granularity: 'per result (raw)', points, baseline: null, thresholds: null };
}
