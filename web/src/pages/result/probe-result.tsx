import type { RunDetail } from '../../api/types.js';
import { Badge, MetricValue } from '../../components/Badge.js';
import { num } from '../../lib/format.js';
import { Figure } from './speedtest-result.js';

export function ProbeResult({ run }: { run: RunDetail }) {
  const d = (run.details ?? {}) as { state?: string; protocol?: string; port?: number; address?: string | null; reason?: string; reply_ms?: number; timeout_ms?: number };
  const level = d.state === 'open' ? 'good' : d.state === 'open|filtered' ? 'warn' : 'bad';
  return (
    <div class="figures">
      <Figure label="State">{d.state ? <Badge value={d.state} level={level} /> : '—'}</Figure>
      <Figure label="Connect time"><MetricValue name="connect_ms" value={run.metrics.connect_ms} big /></Figure>
      {d.reply_ms !== undefined && <Figure label="Reply time"><span class="metric metric-big">{num(d.reply_ms)} ms</span></Figure>}
      <Figure label="Where"><span class="mono">{(d.protocol ?? '').toUpperCase()} {d.address ?? run.target}:{d.port}</span></Figure>
      {d.reason && <Figure label="Why"><span>{d.reason}</span></Figure>}
      {d.timeout_ms !== undefined && <Figure label="Timeout"><span>{d.timeout_ms} ms</span></Figure>}
    </div>
  );
}
