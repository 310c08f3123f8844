import { useState } from 'preact/hooks';
import type { Schedule, TestKind } from '../api/types.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { Field, checkedOf, valueOf } from '../components/Field.js';
import { splitList } from './run/dns-form.js';
import { DURATIONS } from './run/speedtest-form.js';

const INTERVALS = [60, 300, 900, 1800, 3600, 4 * 3600, 86400];
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const THRESHOLDS = [
  { key: 'download_min_mbps', label: 'Download min (Mbps)' },
  { key: 'upload_min_mbps', label: 'Upload min (Mbps)' },
  { key: 'latency_max_ms', label: 'Latency max (ms)' },
  { key: 'jitter_max_ms', label: 'Jitter max (ms)' },
  { key: 'packet_loss_max_pct', label: 'Packet loss max (%)' },
] as const;

const str = (v: unknown, fallback = '') => (v === undefined || v === null ? fallback : String(v));

export function ScheduleForm({ initial, busy, onSave, onCancel }: { initial?: Schedule; busy: boolean; onSave: (body: Record<string, unknown>) => void; onCancel: () => void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [agent, setAgent] = useState(initial ? initial.agent.name : 'LOCAL');
  const [testType, setTestType] = useState<TestKind>(initial?.test_type ?? 'speedtest');
  const [target, setTarget] = useState(initial?.target ?? 'auto');
  const [every, setEvery] = useState(str(initial?.interval_seconds, '3600'));
  const [thresholds, setThresholds] = useState<Record<string, string>>(Object.fromEntries(THRESHOLDS.map((t) => [t.key, str(initial?.thresholds?.[t.key])])));
  const [alertOnBreach, setAlertOnBreach] = useState(initial?.alert_on_breach ?? true);
  const [contactList, setContactList] = useState(str(initial?.notify_contact_list));
  const [consecutive, setConsecutive] = useState(str(initial?.consecutive_failures, '1'));
  const [severity, setSeverity] = useState(str(initial?.severity));
  // The test's own parameters live under `params`, as in the on-demand request bodies.
  const ip = initial?.params ?? {};
  const [p, setP] = useState<Record<string, string>>({
    protocol: str(ip.protocol, initial?.test_type === 'trace' ? 'icmp' : 'tcp'), direction: str(ip.direction, 'bidirectional'), duration: str(ip.duration, '20'), streams: str(ip.streams, '4'),
    count: str(ip.count, '10'), interval_ms: str(ip.interval_ms, '1000'), port: str(ip.port), timeout_ms: str(ip.timeout_ms, '2000'),
    hostname: initial?.test_type === 'dns' ? initial.target : '', resolvers: Array.isArray(ip.resolvers) ? (ip.resolvers as string[]).join(', ') : '', record_type: str(ip.record_type, 'A'),
  });
  const setParam = (key: string) => (e: Event) => setP((x) => ({ ...x, [key]: valueOf(e) }));

  const params = (): Record<string, unknown> => {
    switch (testType) {
      case 'speedtest': return { protocol: p.protocol === 'udp' ? 'udp' : 'tcp', direction: p.direction, duration: Number(p.duration), streams: Number(p.streams) };
      case 'trace': return { count: Number(p.count), interval_ms: Number(p.interval_ms), protocol: p.protocol && ['icmp', 'udp', 'tcp'].includes(p.protocol) ? p.protocol : 'icmp' };
      case 'probe': return { port: Number(p.port), protocol: p.protocol === 'udp' ? 'udp' : 'tcp', timeout_ms: Number(p.timeout_ms) };
      case 'dns': return { resolvers: splitList(p.resolvers ?? ''), record_type: p.record_type };
    }
  };

  return (
    <form
      class="form-grid"
      aria-label="Schedule"
      onSubmit={(e) => {
        e.preventDefault();
        const t = Object.fromEntries(Object.entries(thresholds).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)]));
        onSave({
          name: name.trim(), agent, target: testType === 'dns' ? p.hostname!.trim() : target.trim(), test_type: testType, interval_seconds: Number(every),
          thresholds: t, alert_on_breach: alertOnBreach, notify_contact_list: contactList.trim() || null, consecutive_failures: Number(consecutive), severity: severity || null, params: params(),
        });
      }}
    >
      <Field label="Name"><input required maxLength={200} value={name} onInput={(e) => setName(valueOf(e))} placeholder="HQ Uplink — Hourly" /></Field>
      <Field label="Agent"><AgentSelect value={agent} onChange={setAgent} required /></Field>
      <Field label="Test">
        <select value={testType} onChange={(e) => setTestType(valueOf(e) as TestKind)} disabled={initial !== undefined}>
          <option value="speedtest">Speedtest</option><option value="trace">Traceroute</option><option value="probe">Port probe</option><option value="dns">DNS timing</option>
        </select>
      </Field>
      {testType !== 'dns' && <Field label="Target"><input required value={target} onInput={(e) => setTarget(valueOf(e))} /></Field>}
      <Field label="Every">
        <select value={every} onChange={(e) => setEvery(valueOf(e))}>
          {INTERVALS.map((s) => <option key={s} value={String(s)}>{s < 3600 ? `${s / 60} min` : s < 86400 ? `${s / 3600} h` : '1 day'}</option>)}
          {!INTERVALS.includes(Number(every)) && <option value={every}>{every} s</option>}
        </select>
      </Field>
      {testType === 'speedtest' && (
        <>
          <Field label="Protocol"><select value={p.protocol} onChange={setParam('protocol')}><option value="tcp">TCP</option><option value="udp">UDP</option></select></Field>
          <Field label="Direction"><select value={p.direction} onChange={setParam('direction')}><option value="bidirectional">Bidirectional</option><option value="download">Download</option><option value="upload">Upload</option></select></Field>
          <Field label="Duration"><select value={p.duration} onChange={setParam('duration')}>{DURATIONS.map((d) => <option key={d} value={String(d)}>{d} s</option>)}</select></Field>
          <Field label="Streams"><input type="number" min={1} max={8} value={p.streams} onInput={setParam('streams')} /></Field>
        </>
      )}
      {testType === 'trace' && (
        <>
          <Field label="Probes per hop"><input type="number" min={1} max={1000} value={p.count} onInput={setParam('count')} /></Field>
          <Field label="Interval (ms)"><input type="number" min={100} max={60000} value={p.interval_ms} onInput={setParam('interval_ms')} /></Field>
        </>
      )}
      {testType === 'probe' && (
        <>
          <Field label="Port"><input type="number" required min={1} max={65535} value={p.port} onInput={setParam('port')} /></Field>
          <Field label="Protocol"><select value={p.protocol} onChange={setParam('protocol')}><option value="tcp">TCP</option><option value="udp">UDP</option></select></Field>
          <Field label="Timeout (ms)"><input type="number" min={1} max={60000} value={p.timeout_ms} onInput={setParam('timeout_ms')} /></Field>
        </>
      )}
      {testType === 'dns' && (
        <>
          <Field label="Hostname"><input required value={p.hostname} onInput={setParam('hostname')} /></Field>
          <Field label="Resolvers" hint="comma separated; empty: the agent's"><input value={p.resolvers} onInput={setParam('resolvers')} /></Field>
        </>
      )}
      <fieldset class="field-wide thresholds">
        <legend>Thresholds (empty: none)</legend>
        {THRESHOLDS.map((t) => (
          <Field key={t.key} label={t.label}>
            <input type="number" step="any" min={0} value={thresholds[t.key]} onInput={(e) => setThresholds((x) => ({ ...x, [t.key]: valueOf(e) }))} />
          </Field>
        ))}
      </fieldset>
      <label class="inline"><input type="checkbox" checked={alertOnBreach} onChange={(e) => setAlertOnBreach(checkedOf(e))} /> alert on breach</label>
      <Field label="Consecutive breaches before alerting"><input type="number" min={1} max={100} value={consecutive} onInput={(e) => setConsecutive(valueOf(e))} /></Field>
      <Field label="Severity" hint="empty: the default">
        <select value={severity} onChange={(e) => setSeverity(valueOf(e))}><option value="">default</option>{SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}</select>
      </Field>
      <Field label="Flux Notify contact list" hint="empty: the default"><input value={contactList} onInput={(e) => setContactList(valueOf(e))} placeholder="NOC Team" /></Field>
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? 'Saving…' : 'Save schedule'}</button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
