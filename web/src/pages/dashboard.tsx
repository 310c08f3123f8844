// Fleet at a glance, for the wall screen: agents by state, the latest figures per agent and
// target coloured against thresholds, open alerts and recent path changes. Refreshes itself.
import { api } from '../api/endpoints.js';
import type { Agent, AlertRule, RunSummary, Schedule } from '../api/types.js';
import { thresholdsInForce } from '../lib/thresholds.js';
import { Badge, MetricValue } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { AlertList } from './alerts-list.js';
import { PathChangeList } from './path-changes.js';
import { useAsync } from '../lib/hooks.js';

const STATES = ['ONLINE', 'DEGRADED', 'OFFLINE', 'MAINTENANCE', 'NEVER_CONNECTED'] as const;
const REFRESH_MS = 10_000;

function FleetTiles({ agents }: { agents: Agent[] }) {
  return (
    <div class="tiles" aria-label="Agents by state">
      {STATES.map((state) => {
        const count = agents.filter((a) => a.state === state).length;
        return (
          <a key={state} class={`tile tile-${state.toLowerCase()}`} href="/agents" data-state={state}>
            <span class="tile-count">{count}</span>
            <span class="tile-label">{state.replace('_', ' ')}</span>
          </a>
        );
      })}
    </div>
  );
}

function FleetTable({ agents }: { agents: Agent[] }) {
  if (agents.length === 0) return <Empty title="No agents yet">Deploy one from Agents → Registration tokens.</Empty>;
  return (
    <div class="table-wrap">
      <table class="table table-stack" aria-label="Agents">
        <thead>
          <tr><th>Agent</th><th>State</th><th>Last seen</th><th>Location</th></tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <tr key={agent.id} data-agent={agent.name}>
              <td class="nowrap stack-title"><a href={`/agents/${encodeURIComponent(agent.name)}`}>{agent.name}</a></td>
              <td data-label="State">
                <div>
                  <Badge value={agent.state} />
                  {agent.reason && <div class="muted small">{agent.reason}</div>}
                </div>
              </td>
              <td data-label="Last seen"><Time iso={agent.last_seen_at} relative /></td>
              <td data-label="Location">{agent.location || <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Newest completed result for each agent + type + target. */
export function latestPerPair(results: RunSummary[]): RunSummary[] {
  const seen = new Map<string, RunSummary>();
  for (const r of results) {
    const key = `${r.agent.name}\u0000${r.type}\u0000${r.target}`;
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()].sort((a, b) => a.agent.name.localeCompare(b.agent.name) || a.type.localeCompare(b.type) || a.target.localeCompare(b.target));
}


function LatestTable({ results, schedules, rules }: { results: RunSummary[]; schedules: Schedule[]; rules: AlertRule[] }) {
  const latest = latestPerPair(results);
  if (latest.length === 0) return <Empty title="No results yet">Run a test or create a schedule; figures appear here.</Empty>;
  return (
    <div class="table-wrap">
      <table class="table table-stack" aria-label="Latest results">
        <thead>
          <tr><th>Agent</th><th>Test</th><th>Target</th><th class="num">Download</th><th class="num">Upload</th><th class="num">Latency</th><th class="num">Jitter</th><th class="num">Loss</th><th class="num">Connect / DNS</th><th>When</th></tr>
        </thead>
        <tbody>
          {latest.map((r) => {
            const t = thresholdsInForce(schedules, rules, { agent: r.agent, target: r.target, type: r.type });
            // On a phone each row becomes a card: a label per value, and no rows for what the test does not measure.
            const cell = (label: string, name: string, value: number | undefined, withThresholds = true) => (
              <td class={`num${value === undefined ? ' no-value' : ''}`} data-label={label}>
                <MetricValue name={name} value={value} thresholds={withThresholds ? t : undefined} />
              </td>
            );
            const other = r.metrics.connect_ms ?? r.metrics.resolve_ms;
            return (
              <tr key={r.id}>
                <td class="stack-title">{r.agent.name}</td>
                <td data-label="Test">{r.type}</td>
                <td class="mono" data-label="Target" title={r.measured_target ?? undefined}><a href={`/results/${r.id}`}>{r.target}</a></td>
                {cell('Download', 'download_mbps', r.metrics.download_mbps)}
                {cell('Upload', 'upload_mbps', r.metrics.upload_mbps)}
                {cell('Latency', 'latency_ms', r.metrics.latency_ms)}
                {cell('Jitter', 'jitter_ms', r.metrics.jitter_ms)}
                {cell('Loss', 'loss_pct', r.metrics.loss_pct)}
                <td class={`num${other === undefined ? ' no-value' : ''}`} data-label={r.metrics.connect_ms !== undefined ? 'Connect' : 'DNS'}>
                  {r.metrics.connect_ms !== undefined && <MetricValue name="connect_ms" value={r.metrics.connect_ms} />}
                  {r.metrics.resolve_ms !== undefined && <MetricValue name="resolve_ms" value={r.metrics.resolve_ms} />}
                </td>
                <td data-label="When"><Time iso={r.finished_at ?? r.created_at} relative /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function DashboardPage() {
  const agents = useAsync(() => api.nodes.list(), [], REFRESH_MS);
  const results = useAsync((signal) => api.results.list({ status: 'completed', limit: 300 }, signal), [], REFRESH_MS);
  const schedules = useAsync(() => api.schedules.list().catch(() => [] as Schedule[]), [], 60_000);
  const rules = useAsync(() => api.alertRules.list().catch(() => [] as AlertRule[]), [], 60_000);
  const list = agents.data ?? [];
  return (
    <Page title="Dashboard" subtitle="Refreshes every 10 s. Times in your zone; hover for UTC.">
      <ErrorBox error={agents.error} what="Agents" />
      {agents.data ? <FleetTiles agents={list} /> : <Loading what="Loading agents" />}
      <div class="grid-2 grid-wide-left">
        <Card title="Fleet" actions={<a href="/agents">All agents</a>}>{agents.data && <FleetTable agents={list} />}</Card>
        <Card title="Open alerts" actions={<a href="/alerts">All alerts</a>}>
          <AlertList state="open" limit={8} compact refreshMs={REFRESH_MS} />
        </Card>
      </div>
      <Card title="Latest result per agent and target" actions={<a href="/results">All results</a>}>
        <ErrorBox error={results.error} what="Results" />
        {/* Drawn once the limits are known too, so no figure shows a colour it does not deserve first. */}
        {results.data && schedules.data && rules.data ? <LatestTable results={results.data.results} schedules={schedules.data} rules={rules.data} /> : !results.error && <Loading />}
      </Card>
      <Card title="Recent path changes">
        <PathChangeList limit={6} refreshMs={REFRESH_MS * 3} />
      </Card>
    </Page>
  );
}
