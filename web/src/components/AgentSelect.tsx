import { api } from '../api/endpoints.js';
import { useAsync } from '../lib/hooks.js';
import { valueOf } from './Field.js';

/** A select of the registered agents (by name), with their state in the option text. */
export function AgentSelect({ value, onChange, allowAny = false, id, required = false }: { value: string; onChange: (name: string) => void; allowAny?: boolean; id?: string; required?: boolean }) {
  const nodes = useAsync((signal) => api.nodes.list().then((list) => (signal.aborted ? [] : list)), []);
  return (
    <select id={id} value={value} required={required} onChange={(e) => onChange(valueOf(e))}>
      {allowAny && <option value="">All agents</option>}
      {!allowAny && !value && <option value="">Choose an agent…</option>}
      {(nodes.data ?? []).map((node) => (
        <option key={node.id} value={node.name}>
          {node.name} ({node.state.replace('_', ' ')})
        </option>
      ))}
      {value && !(nodes.data ?? []).some((n) => n.name === value) && <option value={value}>{value}</option>}
    </select>
  );
}
