// Baselines: the median of the previous 14 days per agent, target and metric; reliable from 50
// results (deviation alerts wait until then). Admins recompute on demand.
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Feedback.js';
import { Card } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { METRIC_LABELS, metric } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';

export function Baselines() {
  const isAdmin = useRole('admin');
  const list = useAsync(() => api.baselines.list(), []);
  const [done, setDone] = useState<string | undefined>();
  const recompute = useAction(async () => {
    const r = await api.baselines.recompute();
    setDone(`Recomputed ${r.baselines} baselines (${r.reliable} reliable).`);
    list.reload();
  });
  return (
    <Card title="Baselines" actions={isAdmin && <button type="button" class="btn" disabled={recompute.busy} onClick={() => void recompute.run()}>Recompute now</button>}>
      <p class="muted">Median of the previous 14 days of completed results, outside maintenance windows; recomputed nightly. Reliable from 50 results.</p>
      <ErrorBox error={list.error || recompute.error} what="Baselines" />
      {done && <Notice kind="success">{done}</Notice>}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.length === 0 && <Empty title="No baselines yet">They appear after the nightly recompute once results exist.</Empty>}
      {list.data && list.data.length > 0 && (
        <div class="table-wrap"><table class="table" aria-label="Baselines">
          <thead><tr><th>Agent</th><th>Target</th><th>Metric</th><th>Baseline</th><th>Results</th><th>Window</th><th /></tr></thead>
          <tbody>
            {list.data.map((b) => (
              <tr key={`${b.agent.id}|${b.target}|${b.metric}`}>
                <td>{b.agent.name}</td>
                <td class="mono">{b.target}</td>
                <td>{METRIC_LABELS[b.metric] ?? b.metric}</td>
                <td>{metric(b.metric, b.value)}</td>
                <td>{b.sample_count}</td>
                <td class="small"><Time iso={b.window_start} short /> – <Time iso={b.window_end} short /></td>
                <td>{b.reliable ? <Badge value="reliable" level="good" /> : <Badge value="not reliable yet" level="neutral" />}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </Card>
  );
}
