import { useState } from 'preact/hooks';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Field, valueOf } from '../../components/Field.js';
import type { RunFormProps } from '../run-test.js';

export function TraceForm({ agent: initialAgent, busy, onRun }: RunFormProps<'trace'>) {
  const [agent, setAgent] = useState(initialAgent);
  const [target, setTarget] = useState('');
  const [count, setCount] = useState(10);
  const [intervalMs, setIntervalMs] = useState(1000);
  const [maxHops, setMaxHops] = useState(30);
  const [protocol, setProtocol] = useState('icmp');
  const [port, setPort] = useState('');
  return (
    <form
      class="form-grid"
      aria-label="Traceroute"
      onSubmit={(e) => {
        e.preventDefault();
        onRun({ agent, target: target.trim(), count, interval_ms: intervalMs, max_hops: maxHops, protocol, ...(protocol !== 'icmp' && port ? { port: Number(port) } : {}) });
      }}
    >
      <Field label="Agent"><AgentSelect value={agent} onChange={setAgent} required /></Field>
      <Field label="Target" hint="hostname or IP address"><input name="target" required maxLength={253} value={target} onInput={(e) => setTarget(valueOf(e))} placeholder="8.8.8.8" /></Field>
      <Field label="Probes per hop"><input name="count" type="number" min={1} max={1000} required value={count} onInput={(e) => setCount(Number(valueOf(e)))} /></Field>
      <Field label="Interval (ms)" hint="below 1000 ms the agent must run as root"><input name="interval_ms" type="number" min={100} max={60000} required value={intervalMs} onInput={(e) => setIntervalMs(Number(valueOf(e)))} /></Field>
      <Field label="Max hops"><input name="max_hops" type="number" min={1} max={64} required value={maxHops} onInput={(e) => setMaxHops(Number(valueOf(e)))} /></Field>
      <Field label="Protocol">
        <select name="protocol" value={protocol} onChange={(e) => setProtocol(valueOf(e))}><option value="icmp">ICMP</option><option value="udp">UDP</option><option value="tcp">TCP</option></select>
      </Field>
      {protocol !== 'icmp' && <Field label="Port"><input name="port" type="number" min={1} max={65535} value={port} onInput={(e) => setPort(valueOf(e))} /></Field>}
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy || !agent}>{busy ? 'Starting…' : 'Run trace'}</button>
      </div>
    </form>
  );
}
