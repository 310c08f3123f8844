import PDFDocument from 'pdfkit';
import type { Queryable } from '../db/port.js';
import type { ReportData, ReportQuery } from './report-data.js';

/**
 * The PDF report: header and evidence digest, summary table, SLA comparison, trend charts drawn
 * as vector lines (throughput, latency, loss), the breach log and the method. Figures are the
 * report's (the CSV's) rounded to two decimals.
 */

export const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const duration = (s: number) => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
};

interface ChartPoint {
  t: number;
  download: number | null;
  upload: number | null;
  latency: number | null;
  jitter: number | null;
  loss: number | null;
}

/** Averages per bucket over the period for the charts: hourly up to 8 days, daily up to 120, weekly beyond. */
export async function chartSeries(db: Queryable, q: ReportQuery): Promise<{ granularity: string; points: ChartPoint[] }> {
  const span = q.end.getTime() - q.start.getTime();
  const granularity = span <= 8 * 86_400_000 ? 'hour' : span <= 120 * 86_400_000 ? 'day' : 'week';
  const ok = `FILTER (WHERE status = 'completed' AND NOT in_maintenance)`;
  const rows = await db.query<{ b: Date; d: number | null; u: number | null; l: number | null; j: number | null; p: number | null }>(
    `SELECT date_trunc($1, measured_at, 'UTC') AS b, avg(download_mbps) ${ok} AS d, avg(upload_mbps) ${ok} AS u, avg(latency_ms) ${ok} AS l,
            avg(jitter_ms) ${ok} AS j, avg(loss_pct) ${ok} AS p
       FROM results WHERE measured_at >= $2 AND measured_at < $3 AND ($4::uuid IS NULL OR agent_id = $4::uuid) AND ($5::text IS NULL OR target = $5::text)
      GROUP BY 1 ORDER BY 1`,
    [granularity, q.start.toISOString(), q.end.toISOString(), q.agent?.id ?? null, q.target],
  );
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { granularity, points: rows.map((r) => ({ t: r.b.getTime(), download: n(r.d), upload: n(r.u), latency: n(r.l), jitter: n(r.j), loss: n(r.p) })) };
}

type Doc = InstanceType<typeof PDFDocument>;
const LEFT = 50;
const WIDTH = 495;

function table(doc: Doc, headers: string[], rows: string[][], widths: number[]) {
  const rowHeight = 16;
  const draw = (cells: string[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    let x = LEFT;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    cells.forEach((cell, i) => {
      doc.text(cell, x + 2, y + 4, { width: widths[i]! - 4, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.moveTo(LEFT, y + rowHeight).lineTo(LEFT + widths.reduce((a, b) => a + b, 0), y + rowHeight).lineWidth(0.3).strokeColor('#999999').stroke();
    doc.x = LEFT;
    doc.y = y + rowHeight;
  };
  draw(headers, true);
  for (const r of rows) draw(r, false);
  doc.moveDown(0.8);
}

function heading(doc: Doc, text: string) {
  if (doc.y > doc.page.height - 120) doc.addPage();
  doc.x = LEFT;
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(13).fillColor('#000000').text(text, LEFT);
  doc.moveDown(0.3);
}

/** A line chart: one or more series against time, axes with min/max labels, drawn as vector paths. */
function chart(doc: Doc, title: string, unit: string, start: number, end: number, series: { label: string; color: string; values: { t: number; v: number | null }[] }[], limits: { label: string; value: number }[] = []) {
  const height = 150;
  if (doc.y + height + 40 > doc.page.height - 60) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(10).fillColor('#000000').text(`${title} (${unit})`, LEFT);
  const top = doc.y + 4;
  const x0 = LEFT + 40;
  const w = WIDTH - 40;
  const all = [...series.flatMap((s) => s.values.map((p) => p.v)), ...limits.map((l) => l.value)].filter((v): v is number => v !== null);
  const lo = all.length ? Math.min(0, ...all) : 0;
  const hi0 = all.length ? Math.max(...all) : 1;
  const hi = hi0 > lo ? hi0 * 1.05 : lo + 1;
  const X = (t: number) => x0 + ((t - start) / Math.max(1, end - start)) * w;
  const Y = (v: number) => top + height - ((v - lo) / (hi - lo)) * height;
  doc.lineWidth(0.5).strokeColor('#888888').rect(x0, top, w, height).stroke();
  doc.font('Helvetica').fontSize(7).fillColor('#444444');
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const y = Y(v);
    doc.moveTo(x0, y).lineTo(x0 + w, y).lineWidth(0.2).strokeColor('#cccccc').stroke();
    doc.text(fmt(v, hi - lo < 2 ? 2 : hi < 100 ? 1 : 0), LEFT, y - 3, { width: 36, align: 'right', lineBreak: false });
  }
  for (const l of limits) {
    const y = Y(l.value);
    doc.moveTo(x0, y).lineTo(x0 + w, y).dash(4, { space: 3 }).lineWidth(0.8).strokeColor('#d62728').stroke().undash();
    doc.fillColor('#d62728').text(`${l.label} ${fmt(l.value)}`, x0 + w - 120, y - 9, { width: 118, align: 'right', lineBreak: false });
    doc.fillColor('#444444');
  }
  doc.text(iso(new Date(start)).slice(0, 10), x0, top + height + 3, { lineBreak: false });
  doc.text(iso(new Date(end)).slice(0, 10), x0 + w - 60, top + height + 3, { width: 60, align: 'right', lineBreak: false });
  let legendX = x0 + 90;
  for (const s of series) {
    let pen = false;
    for (const p of s.values) {
      if (p.v === null) {
        pen = false;
        continue;
      }
      if (pen) doc.lineTo(X(p.t), Y(p.v));
      else doc.moveTo(X(p.t), Y(p.v));
      pen = true;
    }
    doc.lineWidth(1).strokeColor(s.color).stroke();
    doc.rect(legendX, top + height + 5, 8, 3).fill(s.color);
    doc.fillColor('#444444').text(s.label, legendX + 11, top + height + 3, { lineBreak: false });
    legendX += 90;
  }
  doc.x = LEFT;
  doc.y = top + height + 22;
}

export interface PdfInput {
  query: ReportQuery;
  data: ReportData;
  digest: { sha256: string; bytes: number; rows: number };
  charts: Awaited<ReturnType<typeof chartSeries>>;
  engines: { kind: string; engine: string | null; target: string; tests: number }[];
  generatedAt: Date;
}

/** Renders the PDF; returns the document (a readable stream, already ended). */
export function renderPdf(input: PdfInput): Doc {
  const { query: q, data, digest, charts } = input;
  const s = data.summary;
  const doc = new PDFDocument({ size: 'A4', margin: LEFT, bufferPages: true, info: { Title: 'Flux Speed SLA report', Author: 'Flux Speed', CreationDate: input.generatedAt } });
  const scope = `${q.agent?.name ?? 'all agents'} -> ${q.target ?? 'all targets'}`;

  doc.font('Helvetica-Bold').fontSize(18).text('Flux Speed - network performance report', LEFT);
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  doc.text(`Agent: ${q.agent?.name ?? 'all agents'}`);
  doc.text(`Target: ${q.target ?? 'all targets'}`);
  doc.text(`Period: ${iso(q.start)} to ${iso(q.end)} (UTC, end excluded)`);
  doc.text(`Generated: ${iso(input.generatedAt)}`);
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').text('Evidence');
  doc.font('Helvetica').fontSize(9).text(`CSV SHA-256: ${digest.sha256}`);
  doc.text(`The CSV export of this same query (format=csv, ${digest.bytes} bytes, ${digest.rows} lines after the header block) hashes to the digest above, byte for byte.`);

  heading(doc, 'Summary');
  table(
    doc,
    ['Figure', 'Value'],
    [
      ['Tests', String(s.tests)],
      ['Completed', String(s.completed)],
      ['Failed', String(s.failed)],
      ['In maintenance (excluded from statistics and SLA)', String(s.in_maintenance)],
      ['Tests with packet loss (loss > 0)', String(s.tests_with_loss)],
      ['Tests within SLA', s.sla_within_pct === null ? 'no SLA targets' : `${s.sla_within} of ${s.sla_tests} (${fmt(s.sla_within_pct)} %)`],
    ],
    [330, 165],
  );
  table(
    doc,
    ['Metric', 'Count', 'Avg', 'Min', 'P50', 'P95', 'Max'],
    s.metrics.map((m) => [m.metric, String(m.count), fmt(m.avg), fmt(m.min), fmt(m.p50), fmt(m.p95), fmt(m.max)]),
    [125, 50, 64, 64, 64, 64, 64],
  );

  heading(doc, 'Comparison with SLA targets');
  const slaRows = s.metrics.filter((m) => m.sla_min !== null || m.sla_max !== null);
  if (slaRows.length === 0) doc.font('Helvetica').fontSize(9).text('No SLA targets are configured for this agent and target (schedule thresholds).', LEFT);
  else {
    table(
      doc,
      ['Metric', 'Target', 'Avg', 'P95', 'Tests meeting it', 'Verdict'],
      slaRows.map((m) => {
        const target = [m.sla_min !== null ? `>= ${fmt(m.sla_min)}` : '', m.sla_max !== null ? `<= ${fmt(m.sla_max)}` : ''].filter(Boolean).join(' and ');
        const avgOk = m.avg !== null && (m.sla_min === null || m.avg >= m.sla_min) && (m.sla_max === null || m.avg <= m.sla_max);
        const pct = m.sla_tests > 0 ? (100 * m.sla_met) / m.sla_tests : null;
        return [m.metric, target, fmt(m.avg), fmt(m.p95), `${m.sla_met}/${m.sla_tests} (${fmt(pct)} %)`, m.avg === null ? 'no data' : avgOk ? 'average met' : 'average missed'];
      }),
      [110, 95, 60, 60, 100, 70],
    );
    doc.font('Helvetica').fontSize(8).fillColor('#444444').text(`Targets from: ${[...new Set(data.targets.map((t) => t.source))].join('; ')}`, LEFT);
    doc.fillColor('#000000');
  }

  doc.addPage();
  heading(doc, `Trends (${{ hour: 'hourly', day: 'daily', week: 'weekly' }[charts.granularity] ?? charts.granularity} averages)`);
  const limit = (metric: string) => {
    const m = s.metrics.find((x) => x.metric === metric);
    return m?.sla_min != null ? [{ label: `SLA ${metric} >=`, value: m.sla_min }] : m?.sla_max != null ? [{ label: `SLA ${metric} <=`, value: m.sla_max }] : [];
  };
  const start = q.start.getTime();
  const end = q.end.getTime();
  const pts = charts.points;
  chart(doc, 'Throughput', 'Mbps', start, end, [
    { label: 'download', color: '#1f77b4', values: pts.map((p) => ({ t: p.t, v: p.download })) },
    { label: 'upload', color: '#ff7f0e', values: pts.map((p) => ({ t: p.t, v: p.upload })) },
  ], [...limit('download_mbps'), ...limit('upload_mbps')]);
  chart(doc, 'Latency and jitter', 'ms', start, end, [
    { label: 'latency', color: '#2ca02c', values: pts.map((p) => ({ t: p.t, v: p.latency })) },
    { label: 'jitter', color: '#9467bd', values: pts.map((p) => ({ t: p.t, v: p.jitter })) },
  ], limit('latency_ms'));
  chart(doc, 'Packet loss', '%', start, end, [{ label: 'loss', color: '#d62728', values: pts.map((p) => ({ t: p.t, v: p.loss })) }], limit('loss_pct'));

  doc.addPage();
  heading(doc, 'Breach log');
  if (data.breaches.length === 0) doc.font('Helvetica').fontSize(9).text('No threshold or baseline breach in this period.', LEFT);
  else
    table(
      doc,
      ['Opened (UTC)', 'Resolved (UTC)', 'Agent / target', 'Metric', 'Value', 'Threshold', 'Duration'],
      data.breaches.map((b) => [iso(b.opened_at), b.resolved_at ? iso(b.resolved_at) : 'open', `${b.agent} / ${b.target ?? ''}`, b.metric ?? '', fmt(b.value), fmt(b.threshold), duration(b.duration_s)]),
      [92, 92, 96, 70, 45, 50, 50],
    );

  heading(doc, 'Method');
  doc.font('Helvetica').fontSize(9);
  const bullets = [
    `Scope: ${scope}. Every result measured in the period is in the CSV; the figures above are computed from those rows.`,
    'Statistics (count, average, min, max, percentiles) cover completed tests outside maintenance windows. Failed tests are counted, never averaged; tests inside a maintenance window are kept in the CSV but left out of statistics and SLA figures.',
    'Percentiles are continuous: the value at rank p(n-1) of the sorted values, interpolated linearly between the two closest ranks (PostgreSQL percentile_cont). P50 is the median.',
    'A test is within SLA when it completed and none of its metrics broke a target in force for its agent and target. Failed tests count as outside SLA.',
    'Breaches are the threshold and baseline alerts open at any time in the period; a breach still open at the end of the period is counted up to the end.',
    'Times are UTC. Throughput in Mbps (10^6 bit/s), latency and jitter in ms, loss in percent.',
  ];
  for (const b of bullets) doc.text(`- ${b}`, LEFT, undefined, { width: WIDTH }).moveDown(0.2);
  doc.moveDown(0.3).font('Helvetica-Bold').text('Engines and targets', LEFT);
  table(
    doc,
    ['Kind', 'Engine', 'Target', 'Tests'],
    input.engines.map((e) => [e.kind, e.engine ?? '-', e.target, String(e.tests)]),
    [80, 90, 265, 60],
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor('#666666');
    doc.text(`Flux Speed report - ${scope} - ${iso(q.start)} to ${iso(q.end)} - page ${i + 1} of ${range.count}`, LEFT, doc.page.height - 40, { width: WIDTH, align: 'center', lineBreak: false });
  }
  doc.end();
  return doc;
}

export async function engineList(db: Queryable, q: ReportQuery): Promise<PdfInput['engines']> {
  const rows = await db.query<{ kind: string; engine: string | null; target: string; tests: number }>(
    `SELECT kind, method->>'engine' AS engine, target, count(*)::int AS tests FROM results
      WHERE measured_at >= $1 AND measured_at < $2 AND ($3::uuid IS NULL OR agent_id = $3::uuid) AND ($4::text IS NULL OR target = $4::text)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [q.start.toISOString(), q.end.toISOString(), q.agent?.id ?? null, q.target],
  );
  return rows.map((r) => ({ ...r, tests: Number(r.tests) }));
}
