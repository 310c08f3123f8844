// Trends: one agent/target/metric over 6h … 12m with the baseline band and the thresholds drawn.
import { useMemo, useState } from 'preact/hooks';
import type { AlignedData } from 'uplot';
import { api } from '../api/endpoints.js';
import type { AlertRule, Schedule, Trend } from '../api/types.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Chart, type ChartLine, type ChartSeries } from '../components/Chart.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Tabs } from '../components/Tabs.js';
import { METRIC_LABELS, UNITS, metric } from '../lib/format.js';
import { setQuery, useLocation } from '../lib/router.js';
import { useAsync } from '../lib/hooks.js';
import { DEFAULT_DEVIATION_PCT, THRESHOLD_KEYS, thresholdsInForce } from '../lib/thresholds.js';

export const WINDOWS = [
  { id: '6h', label: '6 hours', granularity: 'per result' },
  { id: '24h', label: '24 hours', granularity: 'per result' },
  { id: '7d', label: '7 days', granularity: 'hourly averages' },
  { id: '30d', label: '30 days', granularity: 'daily averages' },
  { id: '12m', label: '12 months', granularity: 'weekly averages' },
];
const METRICS = ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct', 'loaded_latency_ms', 'connect_ms', 'resolve_ms'];
const GRANULARITY_LABELS: Record<string, string> = { raw: 'per result', hour: 'hourly averages', day: 'daily averages', week: 'weekly averages' };

/** Baseline band of a speed: from the deviation alert's floor, baseline × (1 − pct), to baseline × (1 + pct). */
const BAND_METRICS = ['download_mbps', 'upload_mbps'];

function TrendChart({ trend, metricName, thresholdLines, deviationPct }: { trend: Trend; metricName: string; thresholdLines: ChartLine[]; deviationPct: number }) {
  const unit = UNITS[metricName] ?? '';
  const base = trend.baseline;
  const hasBand = base !== null && BAND_METRICS.includes(metricName);
  const low = base ? base.value * (1 - deviationPct / 100) : 0;
  const high = base ? base.value * (1 + deviationPct / 100) : 0;
  const data = useMemo<AlignedData>(() => {
    const xs = trend.points.map((p) => Date.parse(p.t) / 1000);
    const cols: (number | null)[][] = [trend.points.map((p) => p.avg)];
    if (trend.points.some((p) => p.p95 != null)) cols.push(trend.points.map((p) => p.p95 ?? null));
    if (hasBand) cols.push(xs.map(() => high), xs.map(() => low));
    return [xs, ...cols] as AlignedData;
  }, [trend, hasBand, low, high]);
  const series = useMemo<ChartSeries[]>(() => {
    const s: ChartSeries[] = [{ label: METRIC_LABELS[metricName] ?? metricName, color: '#38bdf8', width: 2, points: trend.points.length < 200 }];
    if (trend.points.some((p) => p.p95 != null)) s.push({ label: 'P95', color: '#a78bfa', width: 1, dash: [4, 4] });
    if (hasBand) s.push({ label: `Baseline +${deviationPct} %`, color: 'rgba(52,211,153,0.6)', width: 1 }, { label: `Baseline −${deviationPct} %`, color: 'rgba(52,211,153,0.6)', width: 1 });
    return s;
  }, [trend, metricName, hasBand, deviationPct]);
  const lines = useMemo(() => {
    const l = [...thresholdLines];
    if (base) l.push({ value: base.value, label: `baseline ${metric(metricName, base.value)}`, color: '#34d399' });
    return l;
  }, [thresholdLines, base, metricName]);
  const band = hasBand ? { upper: series.length - 1, lower: series.length, fill: 'rgba(52,211,153,0.12)' } : undefined;
  return <Chart data={data} series={series} unit={unit} lines={lines} band={band} label={`${METRIC_LABELS[metricName] ?? metricName} trend`} height={340} xRange={[Date.parse(trend.from) / 1000, Date.parse(trend.to) / 1000]} />;
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
  const rules = useAsync(() => api.alertRules.list().catch(() => [] as AlertRule[]), []);
  const trend = useAsync((signal) => api.trends({ agent, target: target || undefined, metric: metricName, window }, signal), [agent, target, metricName, window]);

  const inForce = useMemo(() => (trend.data ? thresholdsInForce(schedules.data ?? [], rules.data ?? [], { agent: trend.data.agent, target: target || undefined }) : {}), [trend.data, schedules.data, rules.data, target]);
  const deviationPct = inForce.baseline_deviation_pct ?? DEFAULT_DEVIATION_PCT;
  const thresholdLines = useMemo<ChartLine[]>(() => {
    const lines: ChartLine[] = [];
    const fromApi = trend.data?.thresholds;
    const from = fromApi?.source ? ` (${fromApi.source})` : '';
    if (fromApi?.min != null) lines.push({ value: fromApi.min, label: `min ${metric(metricName, fromApi.min)}${from}`, color: '#f87171' });
    if (fromApi?.max != null) lines.push({ value: fromApi.max, label: `max ${metric(metricName, fromApi.max)}${from}`, color: '#f87171' });
    if (lines.length === 0) {
      const limit = THRESHOLD_KEYS[metricName];
      const value = limit ? inForce[limit.key] : undefined;
      if (limit && value !== undefined) lines.push({ value, label: `${limit.bound} ${metric(metricName, value)} (schedules and alert rules)`, color: '#f87171' });
    }
    return lines;
  }, [trend.data, inForce, metricName]);

  const w = WINDOWS.find((x) => x.id === window)!;
  return (
    <Page title="Trends" subtitle="Per agent, target and metric. Red: thresholds in force; green line: the 14-day baseline, green band: the baseline deviation allowed.">
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
      <Card title={`${METRIC_LABELS[metricName] ?? metricName} · ${agent}${target ? ` → ${target}` : ''} · last ${w.label}`} actions={<span class="muted small">{GRANULARITY_LABELS[trend.data?.granularity ?? ''] ?? trend.data?.granularity ?? w.granularity}</span>}>
        <ErrorBox error={trend.error} what="Trends" />
        {!trend.data && !trend.error && <Loading what="Loading the trend" />}
        {trend.data && trend.data.points.length === 0 && <Empty title="No data in this window">Pick a longer window, another target, or schedule tests for this agent.</Empty>}
        {trend.data && trend.data.points.length > 0 && <TrendChart trend={trend.data} metricName={metricName} thresholdLines={thresholdLines} deviationPct={deviationPct} />}
        {trend.data && trend.data.points.length > 0 && (thresholdLines.length > 0 || trend.data.baseline) && (
          <ul class="chart-key small" aria-label="Reference lines">
            {thresholdLines.map((l) => <li key={l.label} class="level-bad">threshold: {l.label}</li>)}
            {trend.data.baseline && <li class="level-good">baseline: {metric(metricName, trend.data.baseline.value)}{BAND_METRICS.includes(metricName) ? ` (band ±${deviationPct} %)` : ''}</li>}
          </ul>
        )}
        {trend.data?.baseline && (
          <p class="muted small">
            Baseline (median of 14 days): {metric(metricName, trend.data.baseline.value)}
            {` from ${trend.data.baseline.sample_count} results`}
            {BAND_METRICS.includes(metricName) && ` · band ±${deviationPct} % (a deviation alert fires below the band)`}
            {trend.data.baseline.reliable === false && ' — not yet reliable (fewer than 50 results)'}
          </p>
        )}
      </Card>
    </Page>
  );
}
