// A thin uPlot wrapper: fast with a year of points, redrawn on resize and theme change.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { theme } from '../lib/theme.js';
import { useStore } from '../lib/store.js';

export interface ChartSeries { label: string; color: string; width?: number; dash?: number[]; fill?: string; points?: boolean }
export interface ChartLine { value: number; label: string; color: string }

export interface ChartProps {
  /** x first (Unix seconds for time charts), then one array per series; null = gap. */
  data: AlignedData;
  series: ChartSeries[];
  unit: string;
  /** Fill between two series (indexes into `series`, 1-based as uPlot counts, e.g. a baseline band). */
  band?: { upper: number; lower: number; fill: string };
  /** Horizontal reference lines (thresholds). */
  lines?: ChartLine[];
  height?: number;
  /** x is seconds since the run started, not wall time. */
  elapsedX?: boolean;
  label: string;
  /** A fixed x range (e.g. the trend's window), so one point does not stretch the axis over years. */
  xRange?: [number, number];
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function thresholdLines(lines: ChartLine[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        for (const line of lines) {
          const y = u.valToPos(line.value, 'y', true);
          if (!Number.isFinite(y)) continue;
          ctx.save();
          ctx.strokeStyle = line.color;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.fillStyle = line.color;
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          // uPlot leaves the axis labels' alignment on the context: a label would end at the left edge.
          ctx.textAlign = 'left';
          ctx.textBaseline = 'alphabetic';
          ctx.fillText(line.label, u.bbox.left + 4 * devicePixelRatio, y - 4 * devicePixelRatio);
          ctx.restore();
        }
      },
    },
  };
}

export function Chart({ data, series, unit, band, lines = [], height = 260, elapsedX = false, label, xRange }: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const currentTheme = useStore(theme);
  // Options change rarely (theme, thresholds); data often (live progress): only rebuild for options.
  const shape = JSON.stringify({ series, unit, band, lines, height, elapsedX, currentTheme, xRange });

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const text = cssVar('--text-muted') || '#94a3b8';
    const grid = cssVar('--grid') || 'rgba(148,163,184,0.15)';
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${unit}`);
    // The y range always includes the threshold lines, so a limit far from the data is still drawn.
    const limits = lines.map((l) => l.value);
    const options: Options = {
      width: Math.max(element.clientWidth, 280),
      height,
      scales: {
        x: { time: !elapsedX, ...(xRange ? { range: (): [number, number] => xRange } : {}) },
        y: {
          range: (_u, min, max) => {
            const lo = Math.min(min ?? 0, ...limits, 0);
            const hi = Math.max(max ?? 1, ...limits) * 1.08 || 1;
            return [lo, hi];
          },
        },
      },
      axes: [
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, ...(elapsedX ? { values: (_u, ticks) => ticks.map((t) => `${t} s`) } : {}) },
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: (_u, values) => 16 + 7.5 * Math.max(6, ...(values ?? []).map((v) => String(v).length)), values: (_u, ticks) => ticks.map((t) => `${t.toLocaleString()} ${unit}`) },
      ],
      series: [
        { label: elapsedX ? 'Elapsed' : 'Time', value: elapsedX ? (_u, v) => (v === null ? '—' : `${v.toFixed(1)} s`) : undefined },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          dash: s.dash,
          fill: s.fill,
          points: { show: s.points ?? false },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
      ],
      bands: band ? [{ series: [band.upper, band.lower], fill: band.fill }] : undefined,
      plugins: [thresholdLines(lines)],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    const plot = new uPlot(options, dataRef.current, element);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={holder} role="img" aria-label={label} />;
}
