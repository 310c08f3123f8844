// Maintenance windows: per agent or all, one-off or recurring. Inside one, scheduled tests are
// skipped, alerts suppressed, results left out of baselines and SLA.
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { MaintenanceWindow } from '../../api/types.js';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Empty, ErrorBox, Loading } from '../../components/Feedback.js';
import { Field, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { toIso } from '../results.js';
import { useAction, useAsync } from '../../lib/hooks.js';
import { useRole } from '../../lib/session.js';

const agentOf = (w: MaintenanceWindow) => (w.agent ? (typeof w.agent === 'string' ? w.agent : w.agent.name) : 'all agents');

export function MaintenanceSettings() {
  const canEdit = useRole('operator');
  const windows = useAsync(() => api.maintenance.list(), []);
  const [agent, setAgent] = useState('');
  const [reason, setReason] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [recurrence, setRecurrence] = useState('');
  const create = useAction(async () => {
    await api.maintenance.create({ agent: agent || null, reason: reason.trim() || null, starts_at: toIso(startsAt), ends_at: toIso(endsAt), ...(recurrence ? { recurrence } : {}) });
    setReason('');
    windows.reload();
  });
  const remove = useAction(async (w: MaintenanceWindow) => {
    if (!window.confirm('Delete this maintenance window?')) return;
    await api.maintenance.remove(w.id);
    windows.reload();
  });
  return (
    <Card title="Maintenance windows">
      <p class="muted">For one agent now, use the agent's page. Windows here plan ahead, one-off or recurring. Times in your zone.</p>
      <ErrorBox error={windows.error} what="Maintenance windows" />
      {!windows.data && !windows.error && <Loading />}
      {windows.data && (
        <>
          {windows.data.length === 0 ? <Empty title="No maintenance windows" /> : (
            <div class="table-wrap">
              <table class="table" aria-label="Maintenance windows">
                <thead><tr><th>Agent</th><th>From</th><th>Until</th><th>Repeats</th><th>Reason</th>{canEdit && <th />}</tr></thead>
                <tbody>
                  {windows.data.map((w) => (
                    <tr key={w.id}>
                      <td>{agentOf(w)}</td><td><Time iso={w.starts_at} /></td><td><Time iso={w.ends_at} /></td><td>{w.recurrence ?? 'once'}</td><td>{w.reason ?? w.name ?? ''}</td>
                      {canEdit && <td><button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(w)}>Delete</button></td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {canEdit && (
            <form class="form-grid" aria-label="New maintenance window" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
              <Field label="Agent"><AgentSelect allowAny value={agent} onChange={setAgent} /></Field>
              <Field label="Starts"><input type="datetime-local" required value={startsAt} onInput={(e) => setStartsAt(valueOf(e))} /></Field>
              <Field label="Ends"><input type="datetime-local" required value={endsAt} onInput={(e) => setEndsAt(valueOf(e))} /></Field>
              <Field label="Repeats"><select value={recurrence} onChange={(e) => setRecurrence(valueOf(e))}><option value="">once</option><option value="daily">daily</option><option value="weekly">weekly</option></select></Field>
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
