import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import { Badge } from '../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../components/Feedback.js';
import { checkedOf } from '../components/Field.js';
import { Card, Page } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { useAsync } from '../lib/hooks.js';
import { useRole } from '../lib/session.js';
import { RegistrationTokens } from './agent-tokens.js';

export function AgentsPage() {
  const isAdmin = useRole('admin');
  const [retired, setRetired] = useState(false);
  const agents = useAsync(() => api.nodes.list(retired), [retired], 15_000);
  return (
    <Page title="Agents" subtitle="Test agents across the network: state, location, version and what each can measure.">
      <Card
        title="Registered agents"
        actions={
          <label class="inline">
            <input type="checkbox" checked={retired} onChange={(e) => setRetired(checkedOf(e))} /> show retired
          </label>
        }
      >
        <ErrorBox error={agents.error} what="Agents" />
        {!agents.data && !agents.error && <Loading />}
        {agents.data && agents.data.length === 0 && <Empty title="No agents registered">An Admin creates a registration token below and runs the agent with it.</Empty>}
        {agents.data && agents.data.length > 0 && (
          <div class="table-wrap">
            <table class="table" aria-label="Agents">
              <thead>
                <tr><th>Name</th><th>State</th><th>Why</th><th>Location</th><th>Last seen</th><th>Version</th><th>Address</th></tr>
              </thead>
              <tbody>
                {agents.data.map((a) => (
                  <tr key={a.id} data-agent={a.name}>
                    <td>
                      <a href={`/agents/${encodeURIComponent(a.name)}`}>{a.name}</a>
                      {a.builtin && <span class="pill">built-in</span>}
                      {a.retired_at && <span class="pill">retired</span>}
                    </td>
                    <td><Badge value={a.state} /></td>
                    <td class="muted">{a.maintenance && a.maintenance_reason ? a.maintenance_reason : a.reason ?? ''}</td>
                    <td>{a.location || <span class="muted">—</span>}</td>
                    <td><Time iso={a.last_seen_at} relative /></td>
                    <td class="mono">{a.version ?? '—'}</td>
                    <td class="mono">{a.address ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {isAdmin && <RegistrationTokens />}
    </Page>
  );
}
