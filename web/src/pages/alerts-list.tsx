import { api } from '../api/endpoints.js';
import type { Alert } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Time } from '../components/Time.js';
import { metric } from '../lib/format.js';
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

/** Alerts with acknowledge (Operators and Admins). Used by the dashboard and the alerts page. */
export function AlertList({ state, kind, limit = 100, compact = false, refreshMs }: { state?: 'open' | 'resolved'; kind?: string; limit?: number; compact?: boolean; refreshMs?: number }) {
  const canAck = useRole('operator');
  const alerts = useAsync(() => api.alerts.list({ state, kind, limit }), [state, kind, limit], refreshMs);
  if (alerts.error) return <ErrorBox error={alerts.error} what="Alerts" />;
  if (!alerts.data) return <Loading />;
  if (alerts.data.length === 0) return <Empty title={state === 'open' ? 'No open alerts' : 'No alerts'}>{state === 'open' ? 'All quiet.' : ''}</Empty>;
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
            {a.metric && a.value !== null ? ` · ${metric(a.metric, a.value)}` : ''}
            {a.metric && a.threshold !== null ? ` (threshold ${metric(a.metric, a.threshold)})` : ''} · opened <Time iso={a.opened_at} relative />
            {a.resolved_at && <> · resolved <Time iso={a.resolved_at} relative /></>}
            {a.acknowledged_at && <> · acknowledged by {a.acknowledged_by ?? 'someone'} <Time iso={a.acknowledged_at} relative /></>}
          </div>
          {!compact && Object.keys(a.details).length > 0 && <div class="muted small mono">{JSON.stringify(a.details)}</div>}
          {canAck && a.state === 'open' && !a.acknowledged_at && <AckButton alert={a} onDone={alerts.reload} />}
        </li>
      ))}
    </ul>
  );
}
