// Results: filters in the URL (shareable, survives reload), cursor pagination.
import { useState } from 'preact/hooks';
import { api, type ResultFilters } from '../api/endpoints.js';
import type { RunSummary } from '../api/types.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Badge, MetricValue } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { setQuery, useLocation } from '../lib/router.js';
import { useAsync } from '../lib/hooks.js';

const TYPES = ['speedtest', 'trace', 'probe', 'dns'];
const STATUSES = ['queued', 'dispatched', 'running', 'completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance'];
const PAGE = 50;

/** datetime-local value (viewer's zone) ↔ ISO 8601 UTC for the API. */
export const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function Headline({ r }: { r: RunSummary }) {
  const m = r.metrics;
  switch (r.type) {
    case 'speedtest':
      return <><MetricValue name="download_mbps" value={m.download_mbps} /> ↓ <MetricValue name="upload_mbps" value={m.upload_mbps} /> ↑ · <MetricValue name="latency_ms" value={m.latency_ms} /></>;
    case 'trace':
      return <><MetricValue name="latency_ms" value={m.latency_ms} /> · <MetricValue name="loss_pct" value={m.loss_pct} /> loss</>;
    case 'probe':
      return <MetricValue name="connect_ms" value={m.connect_ms} />;
    case 'dns':
      return <MetricValue name="resolve_ms" value={m.resolve_ms} />;
    default:
      return null;
  }
}

export function ResultsPage() {
  const { query } = useLocation();
  const filters: ResultFilters = {
    agent: query.get('agent') ?? undefined,
    type: query.get('type') ?? undefined,
    status: query.get('status') ?? undefined,
    target: query.get('target') ?? undefined,
    from: toIso(query.get('from') ?? ''),
    to: toIso(query.get('to') ?? ''),
  };
  const key = JSON.stringify(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  const [pageKey, setPageKey] = useState(key);
  if (pageKey !== key) {
    setPageKey(key);
    setCursors([]);
  }
  const cursor = cursors[cursors.length - 1];
  const page = useAsync((signal) => api.results.list({ ...filters, cursor, limit: PAGE }, signal), [key, cursor], 30_000);
  const [target, setTarget] = useState(filters.target ?? '');
  return (
    <Page title="Results" subtitle="Every test run, newest first. Filters stay in the address bar.">
      <Card>
        <form class="filters" onSubmit={(e) => { e.preventDefault(); setQuery({ target: target.trim() }); }} aria-label="Filters">
          <Field label="Agent"><AgentSelect allowAny value={filters.agent ?? ''} onChange={(v) => setQuery({ agent: v })} /></Field>
          <Field label="Type">
            <select value={filters.type ?? ''} onChange={(e) => setQuery({ type: valueOf(e) })}>
              <option value="">All types</option>{TYPES.map((t) => <option key={t}>{t}</option>)}
            </select>
          </Field>
          <Field label="Status">
            <select value={filters.status ?? ''} onChange={(e) => setQuery({ status: valueOf(e) })}>
              <option value="">Any status</option>{STATUSES.map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
            </select>
          </Field>
          <Field label="Target"><input value={target} onInput={(e) => setTarget(valueOf(e))} onBlur={() => setQuery({ target: target.trim() })} placeholder="exact target" /></Field>
          <Field label="From (your time)"><input type="datetime-local" value={query.get('from') ?? ''} onChange={(e) => setQuery({ from: valueOf(e) })} /></Field>
          <Field label="To (your time)"><input type="datetime-local" value={query.get('to') ?? ''} onChange={(e) => setQuery({ to: valueOf(e) })} /></Field>
          <button type="button" class="btn btn-ghost" onClick={() => { setTarget(''); setQuery({ agent: '', type: '', status: '', target: '', from: '', to: '' }); }}>Clear</button>
        </form>
      </Card>
      <Card>
        <ErrorBox error={page.error} what="Results" />
        {!page.data && !page.error && <Loading />}
        {page.data && page.data.results.length === 0 && <Empty title="No results match">Change the filters, or run a test.</Empty>}
        {page.data && page.data.results.length > 0 && (
          <div class="table-wrap">
            <table class="table" aria-label="Results">
              <thead><tr><th>When</th><th>Agent</th><th>Test</th><th>Target</th><th>Status</th><th>Figures</th></tr></thead>
              <tbody>
                {page.data.results.map((r) => (
                  <tr key={r.id} data-type={r.type}>
                    <td><a href={`/results/${r.id}`}><Time iso={r.created_at} /></a></td>
                    <td>{r.agent.name}</td>
                    <td>{r.type}{r.schedule_id !== null && <span class="pill" title={`schedule ${r.schedule_id}`}>scheduled</span>}</td>
                    <td class="mono">{r.target}</td>
                    <td><Badge value={r.status} title={r.status_reason} /></td>
                    <td class="nowrap"><Headline r={r} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="pager">
          <button type="button" class="btn" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>← Newer</button>
          <span class="muted">page {cursors.length + 1}</span>
          <button type="button" class="btn" disabled={!page.data?.next_cursor} onClick={() => page.data?.next_cursor && setCursors((c) => [...c, page.data!.next_cursor!])}>Older →</button>
        </div>
      </Card>
    </Page>
  );
}
