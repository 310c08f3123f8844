// Maintenance windows: per agent or all, one-off or recurring (a cron expression in a time zone
// opening a window of some minutes). Inside one, scheduled tests are skipped, the agent shows
// MAINTENANCE, alerts are suppressed and results are left out of baselines and SLA.
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { MaintenanceWindow } from '../../api/types.js';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Badge } from '../../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../../components/Feedback.js';
import { Field, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { toIso } from '../results.js';
import { useAction, useAsync } from '../../lib/hooks.js';
import { useRole } from '../../lib/session.js';

const agentOf = (w: MaintenanceWindow) => (w.agent ? w.agent.name : 'all agents');
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function When({ w }: { w: MaintenanceWindow }) {
  if (w.cron) {
    return <span><code>{w.cron}</code> ({w.timezone}) for {Math.round((w.duration_seconds ?? 0) / 60)} min{w.next_start_at && <> · next <Time iso={w.next_start_at} /></>}</span>;
  }
  return <span><Time iso={w.starts_at} /> → <Time iso={w.ends_at} /></span>;
}

export function MaintenanceSettings() {
  const canEdit = useRole('operator');
  const windows = useAsync(() => api.maintenance.list(), [], 30_000);
  const [name, setName] = useState('');
  const [agent, setAgent] = useState('');
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<'once' | 'recurring'>('once');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [cron, setCron] = useState('0 2 * * 0');
  const [minutes, setMinutes] = useState('120');
  const [zone, setZone] = useState(browserZone());
  const create = useAction(async () => {
    const when = kind === 'once'
      ? { starts_at: toIso(startsAt), ends_at: toIso(endsAt) }
      : { cron: cron.trim(), duration_seconds: Math.round(Number(minutes) * 60), timezone: zone.trim() || 'UTC' };
    await api.maintenance.create({ name: name.trim() || reason.trim() || 'Maintenance', agent: agent || null, reason: reason.trim(), ...when });
    setName('');
    setReason('');
    windows.reload();
  });
  const remove = useAction(async (w: MaintenanceWindow) => {
    if (!window.confirm(`Delete the maintenance window “${w.name ?? w.id}”?`)) return;
    await api.maintenance.remove(w.id);
    windows.reload();
  });
  return (
    <Card title="Maintenance windows">
      <p class="muted">To put one agent in maintenance now, use the agent's page. Windows here plan ahead, one-off or recurring; scheduled tests inside one are recorded as skipped.</p>
      <ErrorBox error={windows.error} what="Maintenance windows" />
      {!windows.data && !windows.error && <Loading />}
      {windows.data && (
        <>
          {windows.data.length === 0 ? <Empty title="No maintenance windows" /> : (
            <div class="table-wrap">
              <table class="table" aria-label="Maintenance windows">
                <thead><tr><th>Name</th><th>Agent</th><th>When</th><th>Now</th><th>Reason</th>{canEdit && <th />}</tr></thead>
                <tbody>
                  {windows.data.map((w) => (
                    <tr key={w.id} data-window={w.name}>
                      <td>{w.name}</td>
                      <td>{agentOf(w)}</td>
                      <td><When w={w} /></td>
                      <td>{w.active ? <Badge value="open" level="warn" title={w.active_until ? `until ${w.active_until}` : undefined} /> : <Badge value="closed" level="neutral" />}</td>
                      <td>{w.reason ?? ''}</td>
                      {canEdit && <td><button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(w)}>Delete</button></td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {canEdit && (
            <form class="form-grid" aria-label="New maintenance window" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
              <Field label="Name"><input maxLength={200} value={name} onInput={(e) => setName(valueOf(e))} placeholder="Sunday patching" /></Field>
              <Field label="Agent"><AgentSelect allowAny value={agent} onChange={setAgent} /></Field>
              <Field label="Repeats">
                <select value={kind} onChange={(e) => setKind(valueOf(e) as 'once' | 'recurring')}><option value="once">once</option><option value="recurring">on a schedule (cron)</option></select>
              </Field>
              {kind === 'once' ? (
                <>
                  <Field label="Starts"><input type="datetime-local" required value={startsAt} onInput={(e) => setStartsAt(valueOf(e))} /></Field>
                  <Field label="Ends"><input type="datetime-local" required value={endsAt} onInput={(e) => setEndsAt(valueOf(e))} /></Field>
                </>
              ) : (
                <>
                  <Field label="Cron" hint="minute hour day month weekday, e.g. 0 2 * * 0 = Sundays 02:00"><input required value={cron} onInput={(e) => setCron(valueOf(e))} /></Field>
                  <Field label="Duration (minutes)"><input type="number" required min={1} value={minutes} onInput={(e) => setMinutes(valueOf(e))} /></Field>
                  <Field label="Time zone" hint="IANA name, e.g. Europe/Berlin"><input required value={zone} onInput={(e) => setZone(valueOf(e))} /></Field>
                </>
              )}
              <Field label="Reason" wide><input maxLength={200} value={reason} onInput={(e) => setReason(valueOf(e))} placeholder="carrier maintenance" /></Field>
              <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={create.busy}>Add window</button></div>
            </form>
          )}
        </>
      )}
      <ErrorBox error={create.error || remove.error} what="Maintenance window" />
    </Card>
  );
}
