import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { NewApiToken } from '../../api/types.js';
import { Badge } from '../../components/Badge.js';
import { CodeBlock } from '../../components/CopyButton.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback.js';
import { Field, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useAction, useAsync } from '../../lib/hooks.js';

/** Your API tokens (they act with your role). The secret is shown once, at creation. */
export function TokenSettings() {
  const tokens = useAsync(() => api.tokens.list(), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<NewApiToken | undefined>();
  const create = useAction(async () => {
    setCreated(await api.tokens.create(name.trim(), days ? Number(days) : undefined));
    setName('');
    tokens.reload();
  });
  const revoke = useAction(async (id: number) => {
    if (!window.confirm('Revoke this API token? Scripts using it stop working at once.')) return;
    await api.tokens.revoke(id);
    tokens.reload();
  });
  return (
    <Card title="API tokens">
      <p class="muted">For scripts and Grafana: send <code>X-API-Token: &lt;token&gt;</code>. A token acts with your role.</p>
      <form class="form-row" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
        <Field label="Token name"><input required maxLength={100} value={name} onInput={(e) => setName(valueOf(e))} placeholder="grafana" /></Field>
        <Field label="Expires after (days)" hint="empty: never"><input type="number" min={1} max={3650} value={days} onInput={(e) => setDays(valueOf(e))} /></Field>
        <button type="submit" class="btn btn-primary" disabled={create.busy}>Create token</button>
      </form>
      <ErrorBox error={create.error || revoke.error} what="API tokens" />
      {created && (
        <div class="secret-once" data-testid="new-api-token">
          <Notice kind="success">Token “{created.name}” created. Copy it now: it is shown only once.</Notice>
          <CodeBlock text={created.token} label="API token" />
        </div>
      )}
      <ErrorBox error={tokens.error} what="API tokens" />
      {!tokens.data && !tokens.error && <Loading />}
      {tokens.data && tokens.data.length === 0 && <Empty title="No API tokens" />}
      {tokens.data && tokens.data.length > 0 && (
        <div class="table-wrap">
          <table class="table" aria-label="API tokens">
            <thead><tr><th>Name</th><th>Prefix</th><th>Created</th><th>Expires</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td><td class="mono">{t.prefix}…</td><td><Time iso={t.created_at} /></td>
                  <td>{t.expires_at ? <Time iso={t.expires_at} /> : 'never'}</td><td><Time iso={t.last_used_at} relative /></td>
                  <td>{t.revoked ? <Badge value="revoked" level="neutral" /> : <button type="button" class="btn btn-small btn-danger" onClick={() => void revoke.run(t.id)}>Revoke</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
