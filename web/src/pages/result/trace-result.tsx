import type { Hop, RunDetail } from '../../api/types.js';
import { Empty } from '../../components/Feedback.js';
import { num } from '../../lib/format.js';

/** The hop that hurts most: highest loss, then highest average latency; silent hops do not count. */
export function worstHop(hops: Hop[]): number | undefined {
  let worst: Hop | undefined;
  for (const hop of hops) {
    if (hop.address === null) continue;
    if (!worst || hop.loss_pct > worst.loss_pct || (hop.loss_pct === worst.loss_pct && (hop.avg_ms ?? 0) > (worst.avg_ms ?? 0))) worst = hop;
  }
  return worst?.hop;
}

const ms = (v: number | null) => (v === null ? '—' : `${num(v)} ms`);

export function HopTable({ hops }: { hops: Hop[] }) {
  if (hops.length === 0) return <Empty title="No hops yet" />;
  const worst = hops.length > 1 ? worstHop(hops) : undefined;
  return (
    <div class="table-wrap">
      <table class="table hop-table" aria-label="Hops">
        <thead>
          <tr><th class="num">Hop</th><th>Address</th><th class="num">Loss</th><th class="num">Sent</th><th class="num">Last</th><th class="num">Avg</th><th class="num">Best</th><th class="num">Worst</th><th class="num">StDev</th></tr>
        </thead>
        <tbody>
          {hops.map((h) => (
            <tr key={h.hop} class={h.hop === worst ? 'worst-hop' : h.address === null ? 'silent-hop' : undefined} title={h.hop === worst ? 'worst hop: highest loss, then highest latency' : undefined}>
              <td class="num">{h.hop}</td>
              <td class="mono">{h.address ?? '* (no reply)'}{h.name ? <span class="muted"> {h.name}</span> : null}{h.hop === worst && <span class="pill pill-bad">worst</span>}</td>
              <td class={`num level-${h.loss_pct > 0.5 ? 'bad' : h.loss_pct > 0.1 ? 'warn' : 'good'}`}>{num(h.loss_pct)} %</td>
              <td class="num">{h.sent}</td>
              <td class="num">{ms(h.last_ms)}</td>
              <td class="num">{ms(h.avg_ms)}</td>
              <td class="num">{ms(h.best_ms)}</td>
              <td class="num">{ms(h.worst_ms)}</td>
              <td class="num">{ms(h.stdev_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TraceResult({ run }: { run: RunDetail }) {
  const details = (run.details ?? {}) as { hops?: Hop[]; summary?: string; reached?: boolean; address?: string };
  return (
    <>
      {details.summary && <p class={details.reached ? 'level-good' : 'level-warn'}><strong>{details.summary}</strong></p>}
      <HopTable hops={details.hops ?? []} />
    </>
  );
}
