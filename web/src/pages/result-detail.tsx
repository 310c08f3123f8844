// One run: followed live while it runs (throughput, hops as they resolve), then its result.
import { api } from '../api/endpoints.js';
import type { Hop, Progress, ResolverOutcome, RunDetail } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { ErrorBox, Loading } from '../components/Feedback.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { duration } from '../lib/format.js';
import { show } from './agent-detail.js';
import { useAction } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';
import { DnsResult, ResolverTable } from './result/dns-result.js';
import { isActive, useLiveRun } from './result/live.js';
import { ProbeResult } from './result/probe-result.js';
import { LiveThroughput, SpeedtestResult } from './result/speedtest-result.js';
import { HopTable, TraceResult } from './result/trace-result.js';

function LiveView({ run, progress }: { run: RunDetail; progress: Progress[] }) {
  const last = progress[progress.length - 1];
  const hops = [...progress].reverse().map((p) => (p.detail as { hops?: Hop[] } | undefined)?.hops).find(Boolean);
  const resolvers = progress.map((p) => p.detail as ResolverOutcome | undefined).filter((d): d is ResolverOutcome => !!d && typeof d === 'object' && 'rating' in d);
  return (
    <Card title={<>Live <span class="live-dot" aria-hidden="true" /></>}>
      <p aria-live="polite" data-testid="live-status">
        <Badge value={run.status} /> {last?.message ?? (run.status === 'queued' ? 'waiting for the agent…' : 'measuring…')}
        {last && <span class="muted"> · {duration(last.elapsed_ms)} elapsed</span>}
      </p>
      {run.type === 'speedtest' && <LiveThroughput progress={progress} />}
      {run.type === 'trace' && hops && <HopTable hops={hops} />}
      {run.type === 'dns' && resolvers.length > 0 && <ResolverTable resolvers={resolvers} />}
    </Card>
  );
}

function Outcome({ run }: { run: RunDetail }) {
  switch (run.type) {
    case 'speedtest':
      return <SpeedtestResult run={run} />;
    case 'trace':
      return <TraceResult run={run} />;
    case 'dns':
      return <DnsResult run={run} />;
    case 'probe':
      return <ProbeResult run={run} />;
    default:
      return <pre class="mono">{JSON.stringify(run.details, null, 2)}</pre>;
  }
}

function Facts({ values }: { values: Record<string, unknown> | null }) {
  if (!values || Object.keys(values).length === 0) return <p class="muted">—</p>;
  return (
    <dl class="kv">
      {Object.entries(values).filter(([k]) => k !== 'candidates' && k !== 'authorization').map(([k, v]) => (
        <div key={k}><dt>{k.replace(/_/g, ' ')}</dt><dd class="mono">{Array.isArray(v) ? v.join(' ') : show(v)}</dd></div>
      ))}
    </dl>
  );
}

export function ResultDetailPage({ params }: { params: Record<string, string> }) {
  const id = params.id!;
  const { run, progress, error, reload } = useLiveRun(id);
  const canOperate = useRole('operator');
  const cancel = useAction(async () => {
    await api.results.cancel(id);
    reload();
  });
  const active = run ? isActive(run.status) : false;
  return (
    <Page
      title={run ? `${run.type} · ${run.agent.name} → ${run.target}` : 'Result'}
      subtitle={run && <>Started <Time iso={run.created_at} />{run.measured_target && run.measured_target !== run.target ? <> · measured <span class="mono">{run.measured_target}</span></> : null}</>}
      actions={run && (
        <>
          {canOperate && active && <button type="button" class="btn btn-danger" onClick={() => void cancel.run()} disabled={cancel.busy}>Cancel run</button>}
          {canOperate && !active && <a class="btn" href={`/run?type=${run.type}&agent=${encodeURIComponent(run.agent.name)}`}>Run again</a>}
          <a class="btn" href={`/trends?agent=${encodeURIComponent(run.agent.name)}&target=${encodeURIComponent(run.target)}`}>Trends</a>
        </>
      )}
    >
      <ErrorBox error={error} what="Result" />
      <ErrorBox error={cancel.error} what="Cancel" />
      {!run && !error && <Loading />}
      {run && (
        <>
          <p class="status-line" data-testid="run-status">
            <Badge value={run.status} /> {run.status_reason && <span class="muted">{run.status_reason}</span>}
            {run.error && <span class="level-bad"> {run.error}</span>}
          </p>
          {active ? <LiveView run={run} progress={progress} /> : <Card title="Result"><Outcome run={run} /></Card>}
          <div class="grid-2 grid-narrow-left">
            <Card title="Timeline">
              <ol class="timeline">
                {run.timeline.map((t, i) => (
                  <li key={i}><Badge value={t.status} /> <Time iso={t.at} />{t.note && <span class="muted"> · {t.note}</span>}</li>
                ))}
              </ol>
            </Card>
            <Card title="How it was measured">
              <Facts values={run.method} />
              <h3>Requested</h3>
              <Facts values={run.spec} />
            </Card>
          </div>
        </>
      )}
    </Page>
  );
}
