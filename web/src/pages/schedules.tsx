// Scheduled jobs: the brief's body (name, agent, target, test_type, interval, thresholds,
// alert_on_breach, notify_contact_list) plus the test's own parameters at top level (DESIGN §12).
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import type { Schedule } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { interval, metric } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';
import { ScheduleForm } from './schedule-form.js';

const agentName = (s: Schedule) => s.agent.name;
export const isPaused = (s: Schedule) => s.paused;

function thresholdsText(s: Schedule): string {
  const t = s.thresholds ?? {};
  const parts: string[] = [];
  if (t.download_min_mbps !== undefined) parts.push(`↓ ≥ ${metric('download_mbps', t.download_min_mbps)}`);
  if (t.upload_min_mbps !== undefined) parts.push(`↑ ≥ ${metric('upload_mbps', t.upload_min_mbps)}`);
  if (t.latency_max_ms !== undefined) parts.push(`latency ≤ ${metric('latency_ms', t.latency_max_ms)}`);
  if (t.jitter_max_ms !== undefined) parts.push(`jitter ≤ ${metric('jitter_ms', t.jitter_max_ms)}`);
  if (t.packet_loss_max_pct !== undefined) parts.push(`loss ≤ ${metric('loss_pct', t.packet_loss_max_pct)}`);
  return parts.join(' · ') || 'no thresholds';
}

export function SchedulesPage() {
  const canEdit = useRole('operator');
  const schedules = useAsync(() => api.schedules.list(), [], 30_000);
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const save = useAction(async (body: Record<string, unknown>) => {
    if (editing === 'new') await api.schedules.create(body);
    else if (editing) await api.schedules.update(editing.id, body);
    setEditing(null);
    schedules.reload();
  });
  const pause = useAction(async (s: Schedule) => {
    await (isPaused(s) ? api.schedules.resume(s.id) : api.schedules.pause(s.id));
    schedules.reload();
  });
  const [started, setStarted] = useState<{ name: string; runId: string } | null>(null);
  const runNow = useAction(async (s: Schedule) => {
    const accepted = await api.schedules.runNow(s.id);
    setStarted({ name: s.name, runId: accepted.run_id });
    schedules.reload();
  });
  const remove = useAction(async (s: Schedule) => {
    if (!window.confirm(`Delete the schedule “${s.name}”? Its past results are kept.`)) return;
    await api.schedules.remove(s.id);
    schedules.reload();
  });
  return (
    <Page
      title="Schedules"
      subtitle="Recurring tests with thresholds for alerting."
      actions={canEdit && editing === null && !schedules.error && <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>New schedule</button>}
    >
      {editing !== null && (
        <Card title={editing === 'new' ? 'New schedule' : `Edit “${editing.name}”`}>
          <ErrorBox error={save.error} what="Save schedule" />
          <ScheduleForm initial={editing === 'new' ? undefined : editing} busy={save.busy} onSave={(body) => void save.run(body)} onCancel={() => setEditing(null)} />
        </Card>
      )}
      <Card>
        <ErrorBox error={schedules.error} what="Schedules" />
        <ErrorBox error={pause.error || remove.error || runNow.error} what="Schedule" />
        {started && <p class="muted" role="status">Started a run of “{started.name}”: <a href={`/results/${started.runId}`}>view it</a>.</p>}
        {!schedules.data && !schedules.error && <Loading />}
        {schedules.data && schedules.data.length === 0 && <Empty title="No schedules">{canEdit ? 'Create one to test an uplink every hour.' : 'Operators create them.'}</Empty>}
        {schedules.data && schedules.data.length > 0 && (
          <div class="table-wrap">
            <table class="table" aria-label="Schedules">
              <thead><tr><th>Name</th><th>Agent → target</th><th>Test</th><th>Interval</th><th>Thresholds</th><th>Next run</th><th>Last run</th><th>State</th>{canEdit && <th />}</tr></thead>
              <tbody>
                {schedules.data.map((s) => (
                  <tr key={s.id}>
                    <td><a href={`/results?schedule_id=${s.id}`}>{s.name}</a></td>
                    <td class="mono">{agentName(s)} → {s.target}</td>
                    <td>{s.test_type}</td>
                    <td>{interval(s.interval_seconds)}</td>
                    <td class="small">{thresholdsText(s)}{s.alert_on_breach ? ` · alerts ${s.notify_contact_list ?? ''}` : ''}</td>
                    <td>{isPaused(s) ? '—' : <Time iso={s.next_run_at ?? null} />}</td>
                    <td>
                      {s.last_run ? <a href={`/results/${s.last_run.id}`} title={s.last_run.status_reason ?? undefined}><Badge value={s.last_run.status} /></a> : '—'}
                      {s.last_error && <div class="small muted">{s.last_error}</div>}
                    </td>
                    <td>{isPaused(s) ? <Badge value="paused" level="neutral" /> : <Badge value="active" level="good" />}</td>
                    {canEdit && (
                      <td class="btn-row">
                        <button type="button" class="btn btn-small" onClick={() => setEditing(s)}>Edit</button>
                        <button type="button" class="btn btn-small" onClick={() => void runNow.run(s)}>Run now</button>
                        <button type="button" class="btn btn-small" onClick={() => void pause.run(s)}>{isPaused(s) ? 'Resume' : 'Pause'}</button>
                        <button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(s)}>Delete</button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </Page>
  );
}
