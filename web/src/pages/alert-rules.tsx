// Alert rules (Operators and Admins edit; everyone reads): the brief's threshold types, N breaches
// in a row, and paging when an agent goes OFFLINE.
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import type { AlertRule } from '../api/types.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Field, checkedOf, valueOf } from '../components/Field.js';
import { Card } from '../components/Page.js';
import { METRIC_LABELS, UNITS, metric } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';

export const RULE_METRICS = [
  { id: 'download_mbps', label: 'Download below', operator: 'lt' },
  { id: 'upload_mbps', label: 'Upload below', operator: 'lt' },
  { id: 'latency_ms', label: 'Latency above', operator: 'gt' },
  { id: 'jitter_ms', label: 'Jitter above', operator: 'gt' },
  { id: 'loss_pct', label: 'Packet loss above', operator: 'gt' },
  { id: 'baseline_deviation', label: 'Below baseline by more than', operator: 'deviation' },
  { id: 'agent_offline', label: 'Agent goes OFFLINE', operator: 'offline' },
] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

const blank = { name: '', agent: '', target: '', metric: 'download_mbps', threshold: '', deviation_pct: '30', consecutive_failures: '1', severity: '', notify_contact_list: '', enabled: true };
type Draft = typeof blank;

const draftOf = (r: AlertRule): Draft => ({
  name: r.name, agent: r.agent_name ?? '', target: r.target ?? '', metric: r.kind === 'agent_offline' ? 'agent_offline' : (r.metric ?? 'download_mbps'), threshold: r.threshold !== null ? String(r.threshold) : '',
  deviation_pct: String(r.deviation_pct ?? 30), consecutive_failures: String(r.consecutive_failures), severity: r.severity ?? '', notify_contact_list: r.notify_contact_list ?? '', enabled: r.enabled,
});

function bodyOf(d: Draft): Record<string, unknown> {
  const common = { name: d.name.trim(), agent: d.agent || null, severity: d.severity || null, notify_contact_list: d.notify_contact_list.trim() || null, enabled: d.enabled };
  if (d.metric === 'agent_offline') return { ...common, kind: 'agent_offline', target: null, metric: null, threshold: null, deviation_pct: null };
  const isDeviation = d.metric === 'baseline_deviation';
  return {
    ...common, kind: 'threshold', target: d.target.trim() || null, metric: d.metric,
    ...(isDeviation ? { deviation_pct: Number(d.deviation_pct), threshold: null } : { threshold: Number(d.threshold), deviation_pct: null }),
    consecutive_failures: Number(d.consecutive_failures),
  };
}

function RuleForm({ initial, onSave, onCancel, busy }: { initial: Draft; onSave: (d: Draft) => void; onCancel?: () => void; busy: boolean }) {
  const [d, setD] = useState(initial);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const isDeviation = d.metric === 'baseline_deviation';
  const isOffline = d.metric === 'agent_offline';
  return (
    <form class="form-grid" aria-label="Alert rule" onSubmit={(e) => { e.preventDefault(); onSave(d); }}>
      <Field label="Name"><input required maxLength={200} value={d.name} onInput={(e) => set({ name: valueOf(e) })} placeholder="HQ uplink slow" /></Field>
      <Field label="Agent"><AgentSelect allowAny value={d.agent} onChange={(agent) => set({ agent })} /></Field>
      {!isOffline && <Field label="Target" hint="empty: every target"><input value={d.target} onInput={(e) => set({ target: valueOf(e) })} /></Field>}
      <Field label="Condition">
        <select value={d.metric} onChange={(e) => set({ metric: valueOf(e) })}>{RULE_METRICS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}</select>
      </Field>
      {isOffline ? null : isDeviation ? (
        <Field label="Deviation (%)" hint="fires when a result is this far below the 14-day baseline"><input type="number" min={1} max={100} required value={d.deviation_pct} onInput={(e) => set({ deviation_pct: valueOf(e) })} /></Field>
      ) : (
        <Field label={`Threshold (${UNITS[d.metric] ?? ''})`}><input type="number" step="any" min={0} required value={d.threshold} onInput={(e) => set({ threshold: valueOf(e) })} /></Field>
      )}
      {!isOffline && <Field label="Consecutive breaches" hint="N in a row before it fires (3 avoids paging on one bad test)"><input type="number" min={1} max={1000} required value={d.consecutive_failures} onInput={(e) => set({ consecutive_failures: valueOf(e) })} /></Field>}
      <Field label="Severity"><select value={d.severity} onChange={(e) => set({ severity: valueOf(e) })}><option value="">default</option>{SEVERITIES.map((s) => <option key={s}>{s}</option>)}</select></Field>
      <Field label="Flux Notify contact list" hint="empty: the default contact list"><input value={d.notify_contact_list} onInput={(e) => set({ notify_contact_list: valueOf(e) })} /></Field>
      <label class="inline"><input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: checkedOf(e) })} /> enabled</label>
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy}>Save rule</button>
        {onCancel && <button type="button" class="btn btn-ghost" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

const describe = (r: AlertRule) => {
  if (r.kind === 'agent_offline') return 'agent goes OFFLINE';
  if (r.metric === 'baseline_deviation') return `download or upload below baseline by > ${r.deviation_pct ?? 30} %`;
  const m = r.metric ?? '';
  const op = RULE_METRICS.find((x) => x.id === m)?.operator === 'lt' ? '<' : '>';
  return `${METRIC_LABELS[m] ?? m} ${op} ${metric(m, r.threshold)}`;
};

export function AlertRules() {
  const canEdit = useRole('operator');
  const rules = useAsync(() => api.alertRules.list(), []);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const save = useAction(async (id: number | 'new', d: Draft) => {
    if (id === 'new') await api.alertRules.create(bodyOf(d));
    else await api.alertRules.update(id, bodyOf(d));
    setEditing(null);
    rules.reload();
  });
  const remove = useAction(async (r: AlertRule) => {
    if (!window.confirm(`Delete the rule “${r.name}”?`)) return;
    await api.alertRules.remove(r.id);
    rules.reload();
  });
  const toggle = useAction(async (r: AlertRule) => {
    await api.alertRules.update(r.id, { enabled: r.enabled === false });
    rules.reload();
  });
  return (
    <Card title="Alert rules" actions={canEdit && editing === null && !rules.error && <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>New rule</button>}>
      <ErrorBox error={rules.error} what="Alert rules" />
      <ErrorBox error={save.error || remove.error || toggle.error} what="Alert rule" />
      {editing === 'new' && <RuleForm initial={blank} busy={save.busy} onSave={(d) => void save.run('new', d)} onCancel={() => setEditing(null)} />}
      {!rules.data && !rules.error && <Loading />}
      {rules.data && rules.data.length === 0 && <Empty title="No alert rules">{canEdit ? 'Create one to be told when a figure crosses a line.' : 'An Operator or Admin creates them.'}</Empty>}
      {rules.data && rules.data.length > 0 && (
        <ul class="rule-list">
          {rules.data.map((r) => (
            <li key={r.id}>
              {editing === r.id ? (
                <RuleForm initial={draftOf(r)} busy={save.busy} onSave={(d) => void save.run(r.id, d)} onCancel={() => setEditing(null)} />
              ) : (
                <div class="row-between">
                  <div>
                    <strong>{r.name}</strong> {r.enabled === false && <Badge value="paused" level="neutral" />} <Badge value={r.severity ?? 'default severity'} level="warn" />
                    <div class="muted small">{describe(r)} · {r.agent_name ?? 'all agents'}{r.target ? ` → ${r.target}` : ''}{r.kind === 'agent_offline' ? '' : ` · ${r.consecutive_failures} in a row`}{r.notify_contact_list ? ` · notify ${r.notify_contact_list}` : ''}</div>
                  </div>
                  {canEdit && (
                    <div class="btn-row">
                      <button type="button" class="btn btn-small" onClick={() => setEditing(r.id)}>Edit</button>
                      <button type="button" class="btn btn-small" onClick={() => void toggle.run(r)}>{r.enabled === false ? 'Enable' : 'Pause'}</button>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(r)}>Delete</button>
                    </div>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
