import { useState } from 'preact/hooks';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Field, valueOf } from '../../components/Field.js';
import type { RunFormProps } from '../run-test.js';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'PTR', 'SRV'];

export const splitList = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

export function DnsForm({ agent: initialAgent, busy, onRun }: RunFormProps<'dns'>) {
  const [agent, setAgent] = useState(initialAgent);
  const [hostname, setHostname] = useState('');
  const [resolvers, setResolvers] = useState('');
  const [recordType, setRecordType] = useState('A');
  const [timeoutMs, setTimeoutMs] = useState(2000);
  return (
    <form
      class="form-grid"
      aria-label="DNS timing"
      onSubmit={(e) => {
        e.preventDefault();
        onRun({ agent, hostname: hostname.trim(), resolvers: splitList(resolvers), record_type: recordType, timeout_ms: timeoutMs });
      }}
    >
      <Field label="Agent"><AgentSelect value={agent} onChange={setAgent} required /></Field>
      <Field label="Hostname" hint="an IP address for a PTR lookup"><input name="hostname" required maxLength={254} value={hostname} onInput={(e) => setHostname(valueOf(e))} placeholder="api.internal.example.com" /></Field>
      <Field label="Resolvers" hint="ip, ip:port or [ipv6]:port, separated by commas or spaces; empty: the agent's system resolvers" wide>
        <input name="resolvers" value={resolvers} onInput={(e) => setResolvers(valueOf(e))} placeholder="8.8.8.8, 1.1.1.1, 192.168.1.1" />
      </Field>
      <Field label="Record type">
        <select name="record_type" value={recordType} onChange={(e) => setRecordType(valueOf(e))}>{RECORD_TYPES.map((t) => <option key={t}>{t}</option>)}</select>
      </Field>
      <Field label="Timeout (ms)"><input name="timeout_ms" type="number" min={1} max={60000} required value={timeoutMs} onInput={(e) => setTimeoutMs(Number(valueOf(e)))} /></Field>
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy || !agent}>{busy ? 'Starting…' : 'Run DNS timing'}</button>
      </div>
    </form>
  );
}
