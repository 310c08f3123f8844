import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import type { AgentDetail } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { ErrorBox, Loading } from '../components/Feedback.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { navigate } from '../lib/router.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';

/** `{present: true, version: "0.95", raw_sockets: true}` → `yes · version 0.95 · raw sockets yes`. */
export function show(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(show).join(', ') || '—';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.map(([k, v]) => (k === 'present' ? (v ? 'available' : 'missing') : `${k.replace(/_/g, ' ')} ${show(v)}`)).join(' · ') || '—';
  }
  return String(value);
}

function KeyValues({ values, label }: { values: Record<string, unknown>; label: string }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <p class="muted">None reported.</p>;
  return (
    <dl class="kv" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k.replace(/_/g, ' ')}</dt>
          <dd>{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Maintenance({ agent, onChange }: { agent: AgentDetail; onChange: () => void }) {
  const [reason, setReason] = useState('');
  const toggle = useAction(async () => {
    await api.nodes.setMaintenance(agent.name, !agent.maintenance, agent.maintenance ? undefined : reason.trim() || undefined);
    setReason('');
    onChange();
  });
  return (
    <form class="form-row" onSubmit={(e) => { e.preventDefault(); void toggle.run(); }}>
      {!agent.maintenance && (
        <Field label="Reason (optional)"><input maxLength={200} value={reason} onInput={(e) => setReason(valueOf(e))} placeholder="router swap" /></Field>
      )}
      <button type="submit" class={agent.maintenance ? 'btn btn-primary' : 'btn'} disabled={toggle.busy}>
        {agent.maintenance ? 'End maintenance' : 'Put in maintenance'}
      </button>
      <ErrorBox error={toggle.error} />
    </form>
  );
}

/** The manual flag and the window that may hold the agent in MAINTENANCE are shown apart. */
function MaintenanceStatus({ agent }: { agent: AgentDetail }) {
  const window = agent.maintenance_window ?? null;
  // The window itself, for its end in the viewer's zone (the state reason carries it in UTC).
  const windows = useAsync(() => (window ? api.maintenance.list() : Promise.resolve([])), [window]);
  const open = windows.data?.find((w) => w.name === window && w.active && (w.agent === null || w.agent.id === agent.id));
  return (
    <div aria-label="Maintenance status">
      {agent.maintenance && <p>Put in maintenance by hand{agent.maintenance_reason ? `: ${agent.maintenance_reason}` : ''}.</p>}
      {window && (
        <p data-testid="maintenance-window">
          Held in MAINTENANCE by the window <a href="/settings/maintenance">“{window}”</a>{open?.active_until ? <> until <Time iso={open.active_until} /></> : ''}{open?.reason ? <span class="muted"> ({open.reason})</span> : ''}.
          {!agent.maintenance && ' It returns to its state when the window closes.'}
        </p>
      )}
      {(agent.maintenance || window) ? <p class="muted small">Scheduled tests are skipped and alerts stay quiet.</p> : <p>Not in maintenance.</p>}
    </div>
  );
}

export function AgentDetailPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const canOperate = useRole('operator');
  const isAdmin = useRole('admin');
  const agent = useAsync(() => api.nodes.get(id), [id], 15_000);
  const retire = useAction(async () => {
    if (!window.confirm(`Retire ${id}? Its credential stops working and queued runs are canceled; its history is kept.`)) return;
    await api.nodes.retire(id);
    navigate('/agents');
  });
  const a = agent.data;
  return (
    <Page
      title={`Agent ${id}`}
      subtitle={a && <>{a.location || 'no location'} · <Badge value={a.state} title={a.reason} /> {a.reason && <span class="muted">{a.reason}</span>}</>}
      actions={
        a && (
          <>
            {canOperate && !a.retired_at && <a class="btn" href={`/run?agent=${encodeURIComponent(a.name)}`}>Run a test</a>}
            <a class="btn" href={`/trends?agent=${encodeURIComponent(a.name)}`}>Trends</a>
            <a class="btn" href={`/results?agent=${encodeURIComponent(a.name)}`}>Results</a>
          </>
        )
      }
    >
      <ErrorBox error={agent.error} what="Agent" />
      {!a && !agent.error && <Loading />}
      {a && (
        <>
          <div class="grid-2">
            <Card title="Overview">
              <dl class="kv">
                <div><dt>state</dt><dd><Badge value={a.state} /> since <Time iso={a.state_changed_at} /></dd></div>
                <div><dt>last seen</dt><dd><Time iso={a.last_seen_at} /></dd></div>
                <div><dt>connected</dt><dd><Time iso={a.connected_at} /></dd></div>
                <div><dt>version</dt><dd class="mono">{a.version ?? '—'}</dd></div>
                <div><dt>address</dt><dd class="mono">{a.address ?? '—'}</dd></div>
                <div><dt>registered</dt><dd><Time iso={a.created_at} /></dd></div>
                {a.retired_at && <div><dt>retired</dt><dd><Time iso={a.retired_at} /></dd></div>}
              </dl>
              <h3>Maintenance</h3>
              <MaintenanceStatus agent={a} />
              {canOperate && !a.retired_at && <Maintenance agent={a} onChange={agent.reload} />}
              {isAdmin && !a.retired_at && !a.builtin && (
                <p>
                  <button type="button" class="btn btn-danger" onClick={() => void retire.run()} disabled={retire.busy}>Retire agent</button>
                  <ErrorBox error={retire.error} />
                </p>
              )}
            </Card>
            <Card title="Capabilities">
              <KeyValues values={a.capabilities} label="Capabilities" />
              <h3>Health</h3>
              <KeyValues values={a.health} label="Health" />
              <h3>Listening</h3>
              <KeyValues values={a.listen} label="Listening" />
            </Card>
          </div>
          <>
            <Card title="State history">
              {a.state_history.length === 0 ? <p class="muted">No changes yet.</p> : (
                <div class="table-wrap">
                  <table class="table" aria-label="State history">
                    <thead><tr><th>When</th><th>From</th><th>To</th><th>Why</th></tr></thead>
                    <tbody>
                      {a.state_history.map((h, i) => (
                        <tr key={i}><td><Time iso={h.at} /></td><td>{h.from_state ? <Badge value={h.from_state} /> : '—'}</td><td><Badge value={h.to_state} /></td><td class="muted">{h.reason}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
            <Card title="Recent runs" actions={<a href={`/results?agent=${encodeURIComponent(a.name)}`}>All</a>}>
              {a.recent_runs.length === 0 ? <p class="muted">No runs yet.</p> : (
                <div class="table-wrap">
                  <table class="table" aria-label="Recent runs">
                    <thead><tr><th>When</th><th>Test</th><th>Target</th><th>Status</th></tr></thead>
                    <tbody>
                      {a.recent_runs.map((r) => (
                        <tr key={r.id}><td><Time iso={r.created_at} /></td><td>{r.kind}</td><td class="mono"><a href={`/results/${r.id}`}>{r.target}</a></td><td><Badge value={r.status} /></td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </>
        </>
      )}
    </Page>
  );
}
