import { api } from '../api/endpoints.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Tabs } from '../components/Tabs.js';
import { METRIC_LABELS } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { setQuery, useLocation } from '../lib/router.js';
import { AlertList } from './alerts-list.js';
import { AlertRules } from './alert-rules.js';
import { Baselines } from './baselines.js';

const TABS = [
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
  { id: 'rules', label: 'Alert rules' },
  { id: 'baselines', label: 'Baselines' },
];
/** GET /api/speed/alerts `kind` and `metric` (src/alerts/routes.ts, src/alerts/evaluate.ts LIMITS). */
const KINDS = [
  { id: '', label: 'All kinds' },
  { id: 'threshold', label: 'Threshold' },
  { id: 'baseline', label: 'Baseline deviation' },
  { id: 'agent_offline', label: 'Agent offline' },
];
const METRICS = ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct'];

function AlertFilters() {
  const { query } = useLocation();
  return (
    <form class="filters" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
      <Field label="Kind">
        <select value={query.get('kind') ?? ''} onChange={(e) => setQuery({ kind: valueOf(e) })}>
          {KINDS.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
        </select>
      </Field>
      <Field label="Agent"><AgentSelect value={query.get('agent') ?? ''} allowAny onChange={(v) => setQuery({ agent: v })} /></Field>
      <Field label="Metric">
        <select value={query.get('metric') ?? ''} onChange={(e) => setQuery({ metric: valueOf(e) })}>
          <option value="">All metrics</option>
          {METRICS.map((m) => <option key={m} value={m}>{METRIC_LABELS[m] ?? m}</option>)}
        </select>
      </Field>
    </form>
  );
}

export function AlertsPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'open';
  const kind = query.get('kind') || undefined;
  const metricName = query.get('metric') || undefined;
  const agentName = query.get('agent') || undefined;
  // The API filters by agent id; the page (and its address) by name.
  const nodes = useAsync(() => api.nodes.list(true), []);
  const agentId = agentName ? nodes.data?.find((n) => n.name === agentName)?.id : undefined;
  const waiting = agentName !== undefined && !nodes.data;
  return (
    <Page title="Alerts" subtitle="Threshold breaches, baseline deviations and offline agents, with the figure against its limit. Operators acknowledge.">
      <Tabs tabs={TABS} current={tab} href={(id) => { const q = new URLSearchParams(query); q.set('tab', id); return `/alerts?${q}`; }} />
      {tab === 'rules' ? (
        <AlertRules />
      ) : tab === 'baselines' ? (
        <Baselines />
      ) : (
        <Card>
          <AlertFilters />
          {!waiting && (
            <AlertList state={tab === 'all' ? undefined : (tab as 'open' | 'resolved')} kind={kind} agent={agentId ?? (agentName ? '00000000-0000-0000-0000-000000000000' : undefined)} metric={metricName} refreshMs={15_000} />
          )}
        </Card>
      )}
    </Page>
  );
}
