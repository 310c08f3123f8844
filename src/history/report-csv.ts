import { createHash } from 'node:crypto';
import type { Queryable } from '../db/port.js';
import { METRIC_NAMES } from '../measurements/metrics.js';
import { loadReport, streamRows, type ReportData, type ReportQuery } from './report-data.js';

/**
 * The CSV export (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled; times ISO 8601 UTC). Deterministic: the same query over the same data
 * gives the same bytes, so the SHA-256 printed in the PDF can be checked against a download.
 * Blocks separated by an empty line: report, summary, SLA comparison, breaches, results.
 */

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const line = (fields: unknown[]) => `${fields.map(csvField).join(',')}\r\n`;

export function csvHead(q: ReportQuery, data: ReportData): string {
  const s = data.summary;
  let out = line(['section', 'name', 'value']);
  out += line(['report', 'agent', q.agent?.name ?? '(all agents)']);
  out += line(['report', 'target', q.target ?? '(all targets)']);
  out += line(['report', 'start', q.start]);
  out += line(['report', 'end', q.end]);
  out += line(['tests', 'total', s.tests]);
  out += line(['tests', 'completed', s.completed]);
  out += line(['tests', 'failed', s.failed]);
  out += line(['tests', 'in_maintenance', s.in_maintenance]);
  out += line(['loss', 'tests_with_loss', s.tests_with_loss]);
  out += line(['sla', 'tests_with_targets', s.sla_tests]);
  out += line(['sla', 'tests_within', s.sla_within]);
  out += line(['sla', 'within_pct', s.sla_within_pct]);
  out += '\r\n';
  out += line(['metric', 'count', 'avg', 'min', 'p50', 'p95', 'max']);
  for (const m of s.metrics) out += line([m.metric, m.count, m.avg, m.min, m.p50, m.p95, m.max]);
  out += '\r\n';
  out += line(['sla_metric', 'target_min', 'target_max', 'tests', 'tests_met', 'met_pct']);
  for (const m of s.metrics.filter((x) => x.sla_min !== null || x.sla_max !== null)) {
    out += line([m.metric, m.sla_min, m.sla_max, m.sla_tests, m.sla_met, m.sla_tests > 0 ? (100 * m.sla_met) / m.sla_tests : null]);
  }
  out += '\r\n';
  out += line(['breach_opened_at', 'resolved_at', 'agent', 'target', 'metric', 'value', 'threshold', 'kind', 'duration_s']);
  for (const b of data.breaches) out += line([b.opened_at, b.resolved_at, b.agent, b.target, b.metric, b.value, b.threshold, b.kind, b.duration_s]);
  out += '\r\n';
  out += line(['measured_at', 'agent', 'target', 'kind', 'status', 'in_maintenance', ...METRIC_NAMES, 'engine', 'error', 'run_id']);
  return out;
}

/** The whole CSV as chunks (the head, then one chunk per batch of results). */
export async function* csvChunks(db: Queryable, q: ReportQuery, data?: ReportData): AsyncGenerator<string> {
  const report = data ?? (await loadReport(db, q));
  yield csvHead(q, report);
  for await (const rows of streamRows(db, q)) {
    let chunk = '';
    for (const r of rows) chunk += line([r.measured_at, r.agent, r.target, r.kind, r.status, r.in_maintenance ? 'true' : 'false', ...r.metrics, r.engine, r.error, r.run_id]);
    yield chunk;
  }
}

/** SHA-256 (hex) of the CSV export, computed by streaming the generator into the hash. */
export async function csvDigest(db: Queryable, q: ReportQuery, data: ReportData): Promise<{ sha256: string; bytes: number; rows: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = -1;
  for await (const chunk of csvChunks(db, q, data)) {
    hash.update(chunk, 'utf8');
    bytes += Buffer.byteLength(chunk, 'utf8');
    if (rows < 0) rows = 0;
    else rows += chunk.split('\r\n').length - 1;
  }
  return { sha256: hash.digest('hex'), bytes, rows: Math.max(0, rows) };
}
