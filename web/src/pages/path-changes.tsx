import { api } from '../api/endpoints.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { Time } from '../components/Time.js';
import { useAsync } from '../lib/hooks.js';

const hops = (path: (string | null)[]) => path.map((h) => h ?? '*').join(' → ');

export function PathChangeList({ limit = 20, agent, target, refreshMs }: { limit?: number; agent?: string; target?: string; refreshMs?: number }) {
  const changes = useAsync(() => api.pathChanges({ limit, agent, target }), [limit, agent, target], refreshMs);
  if (changes.error) return <ErrorBox error={changes.error} what="Path changes" />;
  if (!changes.data) return <Loading />;
  if (changes.data.length === 0) return <Empty title="No path changes">Traces to the same target have taken the same route.</Empty>;
  return (
    <ul class="path-list" aria-label="Path changes">
      {changes.data.map((c) => (
        <li key={c.id}>
          <div>
            <strong>{c.agent.name}</strong> → <span class="mono">{c.target}</span> · <Time iso={c.at} relative /> · <a href={`/results/${c.run_id}`}>trace</a>
          </div>
          <div class="mono small path-diff">
            <span class="muted">was</span> {hops(c.previous_path)}
            <br />
            <span class="muted">now</span> {hops(c.current_path)}
          </div>
        </li>
      ))}
    </ul>
  );
}
