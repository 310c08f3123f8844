import { useState } from 'preact/hooks';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Field, valueOf } from '../../components/Field.js';
import type { RunFormProps } from '../run-test.js';

export function ProbeForm({ agent: initialAgent, busy, onRun }: RunFormProps<'probe'>) {
  const [agent, setAgent] = useState(initialAgent);
  const [target, setTarget] = useState('');
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState('tcp');
  const [timeoutMs, setTimeoutMs] = useState(2000);
  return (
    <form
      class="form-grid"
      aria-label="Port probe"
      onSubmit={(e) => {
        e.preventDefault();
        onRun({ agent, target: target.trim(), port: Number(port), protocol, timeout_ms: timeoutMs });
      }}
    >
      <Field label="Agent"><AgentSelect value={agent} onChange={setAgent} required /></Field>
      <Field label="Target" hint="hostname or IP address"><input name="target" required maxLength={253} value={target} onInput={(e) => setTarget(valueOf(e))} placeholder="db-prod-01.internal" /></Field>
      <Field label="Port"><input name="port" type="number" min={1} max={65535} required value={port} onInput={(e) => setPort(valueOf(e))} placeholder="5432" /></Field>
      <Field label="Protocol">
        <select name="protocol" value={protocol} onChange={(e) => setProtocol(valueOf(e))}><option value="tcp">TCP</option><option value="udp">UDP</option></select>
      </Field>
      <Field label="Timeout (ms)"><input name="timeout_ms" type="number" min={1} max={60000} required value={timeoutMs} onInput={(e) => setTimeoutMs(Number(valueOf(e)))} /></Field>
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy || !agent}>{busy ? 'Starting…' : 'Run probe'}</button>
      </div>
    </form>
  );
}
