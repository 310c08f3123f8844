// Run a test: one form per kind with the brief's parameters and defaults. Starting a test
// answers a run id; the result page follows the run live (SSE) and then shows the result.
import { api } from '../api/endpoints.js';
import type { TestKind, TestRequest } from '../api/types.js';
import { ErrorBox } from '../components/Feedback.js';
import { Card, Page } from '../components/Page.js';
import { Tabs } from '../components/Tabs.js';
import { navigate, useLocation } from '../lib/router.js';
import { useAction } from '../lib/hooks.js';
import { SpeedtestForm } from './run/speedtest-form.js';
import { TraceForm } from './run/trace-form.js';
import { ProbeForm } from './run/probe-form.js';
import { DnsForm } from './run/dns-form.js';

const KINDS: { id: TestKind; label: string; what: string }[] = [
  { id: 'speedtest', label: 'Speedtest', what: 'Download and upload throughput, latency, jitter and packet loss between an agent and a target.' },
  { id: 'trace', label: 'Traceroute / MTR', what: 'Hop-by-hop path with loss and latency at each hop.' },
  { id: 'probe', label: 'Port probe', what: 'TCP or UDP reachability of a host and port, with the connection time.' },
  { id: 'dns', label: 'DNS timing', what: 'How fast each resolver answers, rated EXCELLENT / GOOD / SLOW / CRITICAL.' },
];

export interface RunFormProps<K extends TestKind> {
  agent: string;
  busy: boolean;
  onRun: (body: TestRequest[K]) => void;
}

export function RunTestPage() {
  const { query } = useLocation();
  const kind = (KINDS.find((k) => k.id === query.get('type'))?.id ?? 'speedtest') as TestKind;
  const agent = query.get('agent') ?? 'LOCAL';
  const start = useAction(async (body: TestRequest[TestKind]) => {
    const accepted = await api.run(kind, body as never);
    navigate(`/results/${accepted.run_id}`);
  });
  const props = { agent, busy: start.busy, onRun: (body: TestRequest[TestKind]) => void start.run(body) };
  const info = KINDS.find((k) => k.id === kind)!;
  return (
    <Page title="Run a test" subtitle="On demand, from any agent. Progress shows live while it runs.">
      <Tabs tabs={KINDS} current={kind} href={(id) => `/run?type=${id}${query.get('agent') ? `&agent=${encodeURIComponent(agent)}` : ''}`} />
      <Card title={info.label}>
        <p class="muted">{info.what}</p>
        <ErrorBox error={start.error} what={kind === 'speedtest' ? 'Speedtests' : 'Could not start the test'} />
        {kind === 'speedtest' && <SpeedtestForm {...(props as RunFormProps<'speedtest'>)} />}
        {kind === 'trace' && <TraceForm {...(props as RunFormProps<'trace'>)} />}
        {kind === 'probe' && <ProbeForm {...(props as RunFormProps<'probe'>)} />}
        {kind === 'dns' && <DnsForm {...(props as RunFormProps<'dns'>)} />}
      </Card>
    </Page>
  );
}
