import type { ResolverOutcome, RunDetail } from '../../api/types.js';
import { Badge } from '../../components/Badge.js';
import { Empty } from '../../components/Feedback.js';
import { num } from '../../lib/format.js';

const answerText = (a: { type?: string; data?: unknown }) => `${a.type ? `${a.type} ` : ''}${typeof a.data === 'string' ? a.data : JSON.stringify(a.data)}`;

export function ResolverTable({ resolvers }: { resolvers: ResolverOutcome[] }) {
  if (resolvers.length === 0) return <Empty title="No resolver answered yet" />;
  return (
    <div class="table-wrap">
      <table class="table" aria-label="Resolvers">
        <thead><tr><th>Resolver</th><th class="num">Time</th><th>Rating</th><th>Answer</th><th>Note</th></tr></thead>
        <tbody>
          {resolvers.map((r) => (
            <tr key={r.resolver} data-rating={r.rating}>
              <td class="mono">{r.resolver}</td>
              <td class="num">{r.response_ms !== undefined ? `${num(r.response_ms)} ms` : '—'}</td>
              <td><Badge value={r.rating} /></td>
              <td class="mono small">{r.rcode ?? ''} {(r.answers ?? []).slice(0, 4).map(answerText).join(', ')}{(r.answers?.length ?? 0) > 4 ? ' …' : ''}</td>
              <td class="muted small">{r.reason ?? (r.transport ? `over ${r.transport}` : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">Ratings: EXCELLENT &lt; 5 ms · GOOD 5–20 ms · SLOW 20–100 ms · CRITICAL &gt; 100 ms or no answer.</p>
    </div>
  );
}

export function DnsResult({ run }: { run: RunDetail }) {
  const details = (run.details ?? {}) as { resolvers?: ResolverOutcome[]; query_name?: string; record_type?: string };
  return (
    <>
      {details.query_name && <p>Query <span class="mono">{details.query_name}</span> {details.record_type}</p>}
      <ResolverTable resolvers={details.resolvers ?? []} />
    </>
  );
}
