// Alert rules (Admin edits; everyone reads): the brief's threshold types, N breaches in a row.
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
] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

const blank = { name: '', agent: '', target: '', metric: 'download_mbps', threshold: '', deviation_pct: '30', consecutive_failures: '1', severity: 'HIGH', notify_contact_list: '', enabled: true };
type Draft = typeof blank;

const draftOf = (r: AlertRule): Draft => ({
  name: r.name, agent: typeof r.agent === 'string' ? r.agent : '', target: r.target ?? '', metric: r.metric, threshold: r.threshold !== undefined ? String(r.threshold) : '',
  deviation_pct: String(r.deviation_pct ?? 30), consecutive_failures: String(r.consecutive_failures ?? 1), severity: r.severity ?? 'HIGH', notify_contact_list: r.notify_contact_list ?? '', enabled: r.enabled !== false,
});

function bodyOf(d: Draft): Record<string, unknown> {
  const isDeviation = d.metric === 'baseline_deviation';
  return {
    name: d.name.trim(), agent: d.agent || null, target: d.target.trim() || null, metric: d.metric,
    ...(isDeviation ? { deviation_pct: Number(d.deviation_pct) } : { threshold: Number(d.threshold) }),
    consecutive_failures: Number(d.consecutive_failures), severity: d.severity, notify_contact_list: d.notify_contact_list.trim() || null, enabled: d.enabled,
  };
}

function RuleForm({ initial, onSave, onCancel, busy }: { initial: Draft; onSave: (d: Draft) => void; onCancel?: () => void; busy: boolean }) {
  const [d, setD] = useState(initial);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const isDeviation = d.metric === 'baseline_deviation';
  return (
    <form class="form-grid" aria-label="Alert rule" onSubmit={(e) => { e.preventDefault(); onSave(d); }}>
      <Field label="Name"><input required maxLength={200} value={d.name} onInput={(e) => set({ name: valueOf(e) })} placeholder="HQ uplink slow" /></Field>
      <Field label="Agent"><AgentSelect allowAny value={d.agent} onChange={(agent) => set({ agent })} /></Field>
      <Field label="Target" hint="empty: every target"><input value={d.target} onInput={(e) => set({ target: valueOf(e) })} /></Field>
      <Field label="Condition">
        <select value={d.metric} onChange={(e) => set({ metric: valueOf(e) })}>{RULE_METRICS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}</select>
      </Field>
      {isDeviation ? (
        <Field label="Deviation (%)" hint="fires when a result is this far below the 14-day baseline"><input type="number" min={1} max={100} required value={d.deviation_pct} onInput={(e) => set({ deviation_pct: valueOf(e) })} /></Field>
      ) : (
        <Field label={`Threshold (${UNITS[d.metric] ?? ''})`}><input type="number" step="any" min={0} required value={d.threshold} onInput={(e) => set({ threshold: valueOf(e) })} /></Field>
      )}
      <Field label="Consecutive breaches" hint="N in a row before it fires (3 avoids paging on one bad test)"><input type="number" min={1} max={100} required value={d.consecutive_failures} onInput={(e) => set({ consecutive_failures: valueOf(e) })} /></Field>
      <Field label="Severity"><select value={d.severity} onChange={(e) => set({ severity: valueOf(e) })}>{SEVERITIES.map((s) => <option key={s}>{s}</option>)}</select></Field>
      <Field label="Flux Notify contact list" hint="empty: the default (NOC Team)"><input value={d.notify_contact_list} onInput={(e) => set({ notify_contact_list: valueOf(e) })} /></Field>
      <label class="inline"><input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: checkedOf(e) })} /> enabled</label>
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy}>Save rule</button>
        {onCancel && <button type="button" class="btn btn-ghost" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

const describe = (r: AlertRule) => {
  if (r.metric === 'baseline_deviation') return `below baseline by > ${r.deviation_pct ?? 30} %`;
  const op = RULE_METRICS.find((m) => m.id === r.metric)?.operator === 'lt' ? '<' : '>';
  return `${METRIC_LABELS[r.metric] ?? r.metric} ${op} ${metric(r.metric, r.threshold ?? null)}`;
};

export function AlertRules() {
  const isAdmin = useRole('admin');
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
    <Card title="Alert rules" actions={isAdmin && editing === null && !rules.error && <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>New rule</button>}>
      <ErrorBox error={rules.error} what="Alert rules" />
      <ErrorBox error={save.error || remove.error || toggle.error} what="Alert rule" />
      {editing === 'new' && <RuleForm initial={blank} busy={save.busy} onSave={(d) => void save.run('new', d)} onCancel={() => setEditing(null)} />}
      {!rules.data && !rules.error && <Loading />}
      {rules.data && rules.data.length === 0 && <Empty title="No alert rules">{isAdmin ? 'Create one to be told when a figure crosses a line.' : 'An Admin creates them.'}</Empty>}
      {rules.data && rules.data.length > 0 && (
        <ul class="rule-list">
          {rules.data.map((r) => (
            <li key={r.id}>
              {editing === r.id ? (
                <RuleForm initial={draftOf(r)} busy={save.busy} onSave={(d) => void save.run(r.id, d)} onCancel={() => setEditing(null)} />
              ) : (
                <div class="row-between">
                  <div>
                    <strong>{r.name}</strong> {r.enabled === false && <Badge value="paused" level="neutral" />} <Badge value={r.severity ?? 'HIGH'} level="warn" />
                    <div class="muted small">{describe(r)} · {typeof r.agent === 'string' && r.agent ? r.agent : 'all agents'}{r.target ? ` → ${r.target}` : ''} · {r.consecutive_failures ?? 1} in a row{r.notify_contact_list ? ` · notify ${r.notify_contact_list}` : ''}</div>
                  </div>
                  {isAdmin && (
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
