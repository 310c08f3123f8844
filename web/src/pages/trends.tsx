// Trends: one agent/target/metric over 6h … 12m with the baseline band and the thresholds drawn.
import { useMemo, useState } from 'preact/hooks';
import type { AlignedData } from 'uplot';
import { ApiError } from '../api/client.js';
import { api } from '../api/endpoints.js';
import type { Schedule, Trend } from '../api/types.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Feedback.js';
import { Chart, type ChartLine, type ChartSeries } from '../components/Chart.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Tabs } from '../components/Tabs.js';
import { METRIC_LABELS, UNITS, metric } from '../lib/format.js';
import { setQuery, useLocation } from '../lib/router.js';
import { useAsync } from '../lib/hooks.js';
import { trendFromResults } from './trends-fallback.js';

export const WINDOWS = [
  { id: '6h', label: '6 hours', granularity: 'per result' },
  { id: '24h', label: '24 hours', granularity: 'per result' },
  { id: '7d', label: '7 days', granularity: 'hourly averages' },
  { id: '30d', label: '30 days', granularity: 'daily averages' },
  { id: '12m', label: '12 months', granularity: 'weekly averages' },
];
const METRICS = ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct', 'loaded_latency_ms', 'connect_ms', 'resolve_ms'];
const THRESHOLD_KEYS: Record<string, string> = { download_mbps: 'download_min_mbps', upload_mbps: 'upload_min_mbps', latency_ms: 'latency_max_ms', jitter_ms: 'jitter_max_ms', loss_pct: 'packet_loss_max_pct' };

async function loadTrend(query: { agent: string; target?: string; metric: string; window: string }, signal: AbortSignal): Promise<Trend & { fallback?: boolean }> {
  try {
    return await api.trends(query, signal);
  } catch (error) {
    // Before the trends API: per-result points from the results list (6 h and 24 h are raw anyway).
    if (error instanceof ApiError && error.missingRoute) return { ...(await trendFromResults(query, signal)), fallback: true };
    throw error;
  }
}

function TrendChart({ trend, metricName, thresholdLines }: { trend: Trend; metricName: string; thresholdLines: ChartLine[] }) {
  const unit = UNITS[metricName] ?? '';
  const base = trend.baseline;
  const hasBand = base && base.low != null && base.high != null;
  const data = useMemo<AlignedData>(() => {
    const xs = trend.points.map((p) => Date.parse(p.t) / 1000);
    const avg = trend.points.map((p) => p.avg);
    const cols: (number | null)[][] = [avg];
    if (trend.points.some((p) => p.p95 != null)) cols.push(trend.points.map((p) => p.p95 ?? null));
    if (hasBand) cols.push(xs.map(() => base!.high!), xs.map(() => base!.low!));
    return [xs, ...cols] as AlignedData;
  }, [trend]);
  const series = useMemo<ChartSeries[]>(() => {
    const s: ChartSeries[] = [{ label: METRIC_LABELS[metricName] ?? metricName, color: '#38bdf8', width: 2, points: trend.points.length < 200 }];
    if (trend.points.some((p) => p.p95 != null)) s.push({ label: 'P95', color: '#a78bfa', width: 1, dash: [4, 4] });
    if (hasBand) s.push({ label: 'Baseline high', color: 'rgba(52,211,153,0.6)', width: 1 }, { label: 'Baseline low', color: 'rgba(52,211,153,0.6)', width: 1 });
    return s;
  }, [trend, metricName]);
  const lines = useMemo(() => {
    const l = [...thresholdLines];
    if (base?.median != null && !hasBand) l.push({ value: base.median, label: `baseline ${metric(metricName, base.median)}`, color: '#34d399' });
    return l;
  }, [thresholdLines, base]);
  const band = hasBand ? { upper: series.length - 1, lower: series.length, fill: 'rgba(52,211,153,0.12)' } : undefined;
  return <Chart data={data} series={series} unit={unit} lines={lines} band={band} label={`${METRIC_LABELS[metricName] ?? metricName} trend`} height={340} />;
}

export function TrendsPage() {
  const { query } = useLocation();
  const agent = query.get('agent') ?? 'LOCAL';
  const target = query.get('target') ?? '';
  const metricName = query.get('metric') ?? 'download_mbps';
  const window = WINDOWS.find((w) => w.id === query.get('window'))?.id ?? '24h';
  const [targetText, setTargetText] = useState(target);
  const recent = useAsync((signal) => api.results.list({ agent, limit: 200 }, signal), [agent]);
  const targets = [...new Set((recent.data?.results ?? []).map((r) => r.target))];
  const schedules = useAsync(() => api.schedules.list().catch(() => [] as Schedule[]), []);
  const trend = useAsync((signal) => loadTrend({ agent, target: target || undefined, metric: metricName, window }, signal), [agent, target, metricName, window]);

  const thresholdLines = useMemo<ChartLine[]>(() => {
    const lines: ChartLine[] = [];
    const fromApi = trend.data?.thresholds;
    if (fromApi?.min != null) lines.push({ value: fromApi.min, label: `min ${metric(metricName, fromApi.min)}`, color: '#f87171' });
    if (fromApi?.max != null) lines.push({ value: fromApi.max, label: `max ${metric(metricName, fromApi.max)}`, color: '#f87171' });
    if (lines.length === 0) {
      const key = THRESHOLD_KEYS[metricName];
      const s = (schedules.data ?? []).find((x) => (typeof x.agent === 'string' ? x.agent : x.agent.name) === agent && (!target || x.target === target) && key && x.thresholds?.[key as keyof typeof x.thresholds] !== undefined);
      const value = key && s?.thresholds ? (s.thresholds[key as keyof typeof s.thresholds] as number) : undefined;
      if (value !== undefined) lines.push({ value, label: `threshold ${metric(metricName, value)} (${s!.name})`, color: '#f87171' });
    }
    return lines;
  }, [trend.data, schedules.data, agent, target, metricName]);

  const w = WINDOWS.find((x) => x.id === window)!;
  return (
    <Page title="Trends" subtitle="Per agent, target and metric. Dashed red: thresholds; green band: the 14-day baseline.">
      <Card>
        <form class="filters" aria-label="Trend" onSubmit={(e) => { e.preventDefault(); setQuery({ target: targetText.trim() }); }}>
          <Field label="Agent"><AgentSelect value={agent} onChange={(v) => setQuery({ agent: v, target: '' })} /></Field>
          <Field label="Target">
            <input list="trend-targets" value={targetText} onInput={(e) => setTargetText(valueOf(e))} onChange={(e) => setQuery({ target: valueOf(e).trim() })} placeholder="all targets" />
          </Field>
          <datalist id="trend-targets">{targets.map((t) => <option key={t} value={t} />)}</datalist>
          <Field label="Metric">
            <select value={metricName} onChange={(e) => setQuery({ metric: valueOf(e) })}>{METRICS.map((m) => <option key={m} value={m}>{METRIC_LABELS[m]} ({UNITS[m]})</option>)}</select>
          </Field>
        </form>
        <Tabs tabs={WINDOWS} current={window} href={(id) => { const q = new URLSearchParams(query); q.set('window', id); return `/trends?${q}`; }} />
      </Card>
      <Card title={`${METRIC_LABELS[metricName] ?? metricName} · ${agent}${target ? ` → ${target}` : ''} · last ${w.label}`} actions={<span class="muted small">{trend.data?.granularity ?? w.granularity}</span>}>
        <ErrorBox error={trend.error} what="Trends" />
        {trend.data?.fallback && <Notice kind="info">Built from raw results: the trends API (rollups, baselines) is not on this server yet.</Notice>}
        {!trend.data && !trend.error && <Loading what="Loading the trend" />}
        {trend.data && trend.data.points.length === 0 && <Empty title="No data in this window">Pick a longer window, another target, or schedule tests for this agent.</Empty>}
        {trend.data && trend.data.points.length > 0 && <TrendChart trend={trend.data} metricName={metricName} thresholdLines={thresholdLines} />}
        {trend.data?.baseline && (
          <p class="muted small">
            Baseline (median of 14 days): {metric(metricName, trend.data.baseline.median ?? null)}
            {trend.data.baseline.reliable === false && ' — not yet reliable (fewer than 50 results)'}
          </p>
        )}
      </Card>
    </Page>
  );
}
