import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import { useAsync } from '../../lib/hooks.js';
import { AgentSelect } from '../../components/AgentSelect.js';
import { Field, checkedOf, valueOf } from '../../components/Field.js';
import type { RunFormProps } from '../run-test.js';

export const DURATIONS = [10, 20, 30, 60] as const;

/** The brief's speedtest parameters: TCP, bidirectional, 20 s, 4 streams, target auto. */
export function SpeedtestForm({ agent: initialAgent, busy, onRun }: RunFormProps<'speedtest'>) {
  const [agent, setAgent] = useState(initialAgent);
  const [target, setTarget] = useState('auto');
  const [protocol, setProtocol] = useState('tcp');
  const [direction, setDirection] = useState('bidirectional');
  const [duration, setDuration] = useState(20);
  const [streams, setStreams] = useState(4);
  const [simultaneous, setSimultaneous] = useState(false);
  const [engine, setEngine] = useState('');
  const [udpMbps, setUdpMbps] = useState('');
  const targets = useAsync(() => api.targets.list().catch(() => []), []);
  const agents = useAsync(() => api.nodes.list(), []);
  return (
    <form
      class="form-grid"
      aria-label="Speedtest"
      onSubmit={(e) => {
        e.preventDefault();
        onRun({
          agent, target: target.trim() || 'auto', protocol, direction, duration, streams,
          ...(direction === 'bidirectional' && simultaneous ? { simultaneous: true } : {}),
          ...(engine ? { engine } : {}),
          ...(protocol === 'udp' && udpMbps ? { udp_bandwidth_mbps: Number(udpMbps) } : {}),
        });
      }}
    >
      <Field label="Agent"><AgentSelect value={agent} onChange={setAgent} required /></Field>
      <Field label="Target" hint="auto (nearest), server, agent:NAME, a target name, an http(s) URL or host[:port] for iPerf3">
        <input name="target" required maxLength={2048} value={target} onInput={(e) => setTarget(valueOf(e))} list="speed-targets" />
      </Field>
      <datalist id="speed-targets">
        <option value="auto">nearest known target</option>
        <option value="server">this server</option>
        {(targets.data ?? []).map((t) => <option key={t.id} value={t.name}>{t.kind} {t.address}{t.location ? ` (${t.location})` : ''}</option>)}
        {(agents.data ?? []).filter((a) => a.name !== agent).map((a) => <option key={a.id} value={`agent:${a.name}`}>{a.location}</option>)}
      </datalist>
      <Field label="Protocol">
        <select name="protocol" value={protocol} onChange={(e) => setProtocol(valueOf(e))}><option value="tcp">TCP</option><option value="udp">UDP</option></select>
      </Field>
      <Field label="Direction">
        <select name="direction" value={direction} onChange={(e) => setDirection(valueOf(e))}>
          <option value="bidirectional">Bidirectional</option><option value="download">Download</option><option value="upload">Upload</option>
        </select>
      </Field>
      <Field label="Duration (per direction)">
        <select name="duration" value={String(duration)} onChange={(e) => setDuration(Number(valueOf(e)))}>
          {DURATIONS.map((d) => <option key={d} value={String(d)}>{d} s</option>)}
        </select>
      </Field>
      <Field label={`Parallel streams: ${streams}`}>
        <input name="streams" type="range" min={1} max={8} step={1} value={streams} onInput={(e) => setStreams(Number(valueOf(e)))} aria-valuetext={`${streams} streams`} />
      </Field>
      <Field label="Engine" hint="auto: from the target (URL → HTTP, host → iPerf3)">
        <select name="engine" value={engine} onChange={(e) => setEngine(valueOf(e))}><option value="">auto</option><option value="http">HTTP</option><option value="iperf3">iPerf3</option></select>
      </Field>
      {protocol === 'udp' && (
        <Field label="UDP send rate (Mbps)" hint="optional"><input type="number" min={0.1} step="any" value={udpMbps} onInput={(e) => setUdpMbps(valueOf(e))} /></Field>
      )}
      {direction === 'bidirectional' && (
        <label class="inline field-wide"><input type="checkbox" checked={simultaneous} onChange={(e) => setSimultaneous(checkedOf(e))} /> both directions at once (full duplex)</label>
      )}
      <div class="form-actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={busy || !agent}>{busy ? 'Starting…' : 'Run speedtest'}</button>
      </div>
    </form>
  );
}
