import { api } from '../api/endpoints.js';
import type { Alert } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Time } from '../components/Time.js';
import { METRIC_LABELS, metric } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';

function AckButton({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const ack = useAction(async () => {
    await api.alerts.ack(alert.id);
    onDone();
  });
  return (
    <>
      <button type="button" class="btn btn-small" disabled={ack.busy} onClick={() => void ack.run()}>
        {ack.busy ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      <ErrorBox error={ack.error} />
    </>
  );
}

/** How long the alert has been (or was) open: "12 min", "open 3 h 5 min". */
export function openFor(a: Alert, now = Date.now()): string {
  const end = a.resolved_at ? Date.parse(a.resolved_at) : now;
  return span(Math.max(0, end - Date.parse(a.opened_at)));
}

/** A length of time at the precision a NOC reads it: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const DETAIL_LABELS: Record<string, string> = { source_name: 'from', consecutive_breaches: 'consecutive breaches', baseline: 'baseline' };

/** The details a NOC engineer reads (which schedule or rule, how many breaches in a row, the baseline). */
function AlertDetails({ alert }: { alert: Alert }) {
  const d = alert.details;
  const parts: string[] = [];
  for (const [key, label] of Object.entries(DETAIL_LABELS)) {
    const v = d[key];
    if (v === undefined || v === null) continue;
    parts.push(`${label} ${key === 'baseline' && alert.metric && typeof v === 'number' ? metric(alert.metric, v) : String(v)}`);
  }
  const runId = typeof d.run_id === 'string' ? d.run_id : null;
  if (parts.length === 0 && !runId) return null;
  return (
    <div class="muted small" data-testid="alert-details">
      {parts.join(' · ')}
      {runId && <> · <a href={`/results/${runId}`}>the result</a></>}
    </div>
  );
}

export interface AlertFilters { state?: 'open' | 'resolved'; kind?: string; agent?: string; metric?: string }

/** Alerts with acknowledge (Operators and Admins). Used by the dashboard and the alerts page. */
export function AlertList({ state, kind, agent, metric: metricName, limit = 100, compact = false, refreshMs }: AlertFilters & { limit?: number; compact?: boolean; refreshMs?: number }) {
  const canAck = useRole('operator');
  const alerts = useAsync(() => api.alerts.list({ state, kind, agent, metric: metricName, limit }), [state, kind, agent, metricName, limit], refreshMs);
  if (alerts.error) return <ErrorBox error={alerts.error} what="Alerts" />;
  if (!alerts.data) return <Loading />;
  if (alerts.data.length === 0) return <Empty title={state === 'open' ? 'No open alerts' : 'No alerts'}>{kind || agent || metricName ? 'None match these filters.' : state === 'open' ? 'All quiet.' : ''}</Empty>;
  return (
    <ul class="alert-list" aria-label="Alerts">
      {alerts.data.map((a) => (
        <li key={a.id} class={`alert-item alert-${a.state}`}>
          <div class="alert-main">
            <Badge value={a.severity} level={a.state === 'open' ? (a.severity === 'LOW' ? 'warn' : 'bad') : 'neutral'} />
            <strong>{a.title}</strong>
            {a.state !== 'open' && <Badge value={a.state} />}
          </div>
          <div class="muted small">
            {a.agent?.name ?? 'all agents'}
            {a.target ? ` → ${a.target}` : ''}
            {a.metric && a.value !== null && <> · <span data-testid="alert-breach">{METRIC_LABELS[a.metric] ?? a.metric} {metric(a.metric, a.value)}{a.threshold !== null ? ` against ${metric(a.metric, a.threshold)}` : ''}</span></>}
            {' · opened '}<Time iso={a.opened_at} relative />
            {a.resolved_at && <> · resolved <Time iso={a.resolved_at} relative /></>}
            {' · '}<span data-testid="alert-duration">{a.resolved_at ? `lasted ${openFor(a)}` : `open for ${openFor(a)}`}</span>
            {a.acknowledged_at && <> · acknowledged by {a.acknowledged_by ?? 'someone'} <Time iso={a.acknowledged_at} relative /></>}
            {a.notify && ` · notify ${a.contact_list ?? 'default contact list'}${a.incident_id ? ` (Flux Notify incident ${a.incident_id})` : ''}`}
          </div>
          {!compact && <AlertDetails alert={a} />}
          {canAck && a.state === 'open' && !a.acknowledged_at && <AckButton alert={a} onDone={alerts.reload} />}
        </li>
      ))}
    </ul>
  );
}
