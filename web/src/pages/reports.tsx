// Reports: agent, target, period → PDF or CSV (the CSV's SHA-256 is printed in the PDF).
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import { downloadFile } from '../api/download.js';
import { AgentSelect } from '../components/AgentSelect.js';
import { ErrorBox, Notice } from '../components/Feedback.js';
import { Field, valueOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { useAction } from '../lib/hooks.js';

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function ReportsPage() {
  const today = new Date();
  const [agent, setAgent] = useState('');
  const [target, setTarget] = useState('');
  const [start, setStart] = useState(isoDate(new Date(today.getTime() - 30 * 86400_000)));
  const [end, setEnd] = useState(isoDate(today));
  const [done, setDone] = useState<string | undefined>();
  const download = useAction(async (format: 'pdf' | 'csv') => {
    setDone(undefined);
    const file = await downloadFile(api.reportUrl, { agent, target: target.trim() || undefined, start, end, format }, `flux-speed-report-${agent || 'all'}-${start}-${end}.${format}`);
    setDone(`Downloaded ${file.name} (${Math.max(1, Math.round(file.bytes / 1024))} KiB).`);
  });
  return (
    <Page title="Reports" subtitle="SLA evidence for a carrier dispute: averages and P95, latency, loss, breach log, comparison with SLA targets.">
      <Card>
        <form class="form-grid" aria-label="Report" onSubmit={(e) => { e.preventDefault(); void download.run('pdf'); }}>
          <Field label="Agent"><AgentSelect allowAny value={agent} onChange={setAgent} /></Field>
          <Field label="Target" hint="empty: every target"><input value={target} onInput={(e) => setTarget(valueOf(e))} /></Field>
          <Field label="From (UTC date)"><input type="date" required value={start} onInput={(e) => setStart(valueOf(e))} /></Field>
          <Field label="To (UTC date, whole day included)"><input type="date" required value={end} onInput={(e) => setEnd(valueOf(e))} /></Field>
          <div class="form-actions field-wide">
            <button type="submit" class="btn btn-primary" disabled={download.busy}>Download PDF</button>
            <button type="button" class="btn" disabled={download.busy} onClick={() => void download.run('csv')}>Download CSV</button>
            {download.busy && <span class="muted">Preparing the report…</span>}
          </div>
        </form>
        <ErrorBox error={download.error} what="Reports" />
        {done && <Notice kind="success">{done}</Notice>}
        <p class="muted small">The PDF carries the SHA-256 of the CSV of the same query, so anyone can download the CSV and check the numbers are unaltered.</p>
      </Card>
    </Page>
  );
}
