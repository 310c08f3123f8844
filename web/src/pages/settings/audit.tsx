import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import { Empty, ErrorBox, Loading } from '../../components/Feedback.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useAsync } from '../../lib/hooks.js';

export function AuditLog() {
  const [before, setBefore] = useState<number | undefined>();
  const page = useAsync(() => api.audit({ limit: 50, before_id: before }), [before]);
  return (
    <Card title="Audit log" actions={before !== undefined && <button type="button" class="btn btn-small" onClick={() => setBefore(undefined)}>Newest</button>}>
      <ErrorBox error={page.error} what="Audit log" />
      {!page.data && !page.error && <Loading />}
      {page.data && page.data.entries.length === 0 && <Empty title="Nothing recorded yet" />}
      {page.data && page.data.entries.length > 0 && (
        <div class="table-wrap">
          <table class="table" aria-label="Audit log">
            <thead><tr><th>When</th><th>Who</th><th>What</th><th>On</th><th>From</th><th>Details</th></tr></thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={e.id}><td><Time iso={e.at} /></td><td>{e.actor_name ?? '—'}</td><td class="mono">{e.action}</td><td class="mono">{e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : ''}</td><td class="mono">{e.ip ?? ''}</td><td class="mono small">{JSON.stringify(e.details)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data?.next_before_id && <button type="button" class="btn" onClick={() => setBefore(page.data!.next_before_id!)}>Older →</button>}
    </Card>
  );
}
