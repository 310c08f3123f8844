import { useMemo } from 'preact/hooks';
import type { AlignedData } from 'uplot';
import type { DirectionDetails, Progress, RunDetail } from '../../api/types.js';
import { MetricValue } from '../../components/Badge.js';
import { Chart, type ChartSeries } from '../../components/Chart.js';
import { Card } from '../../components/Page.js';
import { mbps } from '../../lib/format.js';

const DIRS = ['download', 'upload'] as const;
const COLORS = { download: '#38bdf8', upload: '#a78bfa' };

/** Two directions on one time axis (seconds from the first byte): nulls where a series has no point. */
export function alignSeries(parts: { t: number; v: number }[][]): AlignedData {
  const xs = [...new Set(parts.flatMap((p) => p.map((x) => x.t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = parts.map((p) => {
    const column: (number | null)[] = xs.map(() => null);
    for (const point of p) column[index.get(point.t)!] = point.v;
    return column;
  });
  return [xs, ...ys] as AlignedData;
}

/** Throughput as measured: live from progress events (`mbps` per interval), by phase. */
export function LiveThroughput({ progress }: { progress: Progress[] }) {
  const points = progress.filter((p) => typeof p.mbps === 'number');
  const phases = DIRS.filter((d) => points.some((p) => p.phase === d));
  const data = useMemo(() => alignSeries(phases.map((phase) => points.filter((p) => p.phase === phase).map((p) => ({ t: p.elapsed_ms / 1000, v: p.mbps! })))), [progress.length]);
  const series = useMemo<ChartSeries[]>(() => phases.map((p) => ({ label: p, color: COLORS[p] })), [phases.join()]);
  const last = points[points.length - 1];
  return (
    <div class="live-throughput">
      <div class="big-figure" aria-live="polite" data-testid="live-mbps">
        {last ? <><span class="big-number">{mbps(last.mbps)}</span> <span class="muted">{last.phase}</span></> : <span class="muted">waiting for the first interval…</span>}
      </div>
      {phases.length > 0 && <Chart data={data} series={series} unit="Mbps" elapsedX label="Live throughput" height={220} />}
    </div>
  );
}

export function SpeedtestResult({ run }: { run: RunDetail }) {
  const details = (run.details ?? {}) as Partial<Record<(typeof DIRS)[number], DirectionDetails>>;
  const phases = DIRS.filter((d) => details[d]?.intervals?.length);
  const data = useMemo(() => alignSeries(phases.map((d) => details[d]!.intervals.map((i) => ({ t: i.t_ms / 1000, v: i.mbps })))), [run.id, run.status]);
  const series = useMemo<ChartSeries[]>(() => phases.map((d) => ({ label: d, color: COLORS[d] })), [phases.join()]);
  const m = run.metrics;
  return (
    <>
      <div class="figures" aria-label="Headline figures">
        <Figure label="Download"><MetricValue name="download_mbps" value={m.download_mbps} big /></Figure>
        <Figure label="Upload"><MetricValue name="upload_mbps" value={m.upload_mbps} big /></Figure>
        <Figure label="Latency (idle)"><MetricValue name="latency_ms" value={m.latency_ms} big /></Figure>
        <Figure label="Jitter"><MetricValue name="jitter_ms" value={m.jitter_ms} big /></Figure>
        <Figure label="Packet loss"><MetricValue name="loss_pct" value={m.loss_pct} big /></Figure>
        <Figure label="Loaded latency"><MetricValue name="loaded_latency_ms" value={m.loaded_latency_ms} big /></Figure>
      </div>
      {phases.length > 0 && (
        <Card title="Throughput over the test">
          <Chart data={data} series={series} unit="Mbps" elapsedX label="Throughput series" />
          <p class="muted small">Intervals from the first byte; the warm-up (TCP slow start) is excluded from the headline figure.</p>
        </Card>
      )}
    </>
  );
}

export function Figure({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="figure">
      <div class="figure-label">{label}</div>
      {children}
    </div>
  );
}
