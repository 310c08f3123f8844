import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import type { NewRegistrationToken } from '../api/types.js';
import { Badge } from '../components/Badge.js';
import { CodeBlock } from '../components/CopyButton.js';
import { Empty, ErrorBox, Loading, Notice } from '../components/Feedback.js';
import { Field, valueOf } from '../components/Field.js';
import { Card } from '../components/Page.js';
import { Time } from '../components/Time.js';
import { useAction, useAsync } from '../lib/hooks.js';

/** Admin: registration tokens, with the exact `docker run` line to deploy an agent. */
export function RegistrationTokens() {
  const tokens = useAsync(() => api.agentTokens.list(), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<NewRegistrationToken | undefined>();
  const create = useAction(async () => {
    const answer = await api.agentTokens.create(name.trim(), days ? Number(days) : undefined);
    setCreated(answer);
    setName('');
    tokens.reload();
  });
  const revoke = useAction(async (id: number) => {
    if (!window.confirm('Revoke this registration token? Agents already registered keep working.')) return;
    await api.agentTokens.revoke(id);
    tokens.reload();
  });
  return (
    <Card title="Registration tokens">
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field label="Token name"><input required maxLength={100} value={name} onInput={(e) => setName(valueOf(e))} placeholder="branch offices" /></Field>
        <Field label="Expires after (days)" hint="empty: never"><input type="number" min={1} max={3650} value={days} onInput={(e) => setDays(valueOf(e))} /></Field>
        <button type="submit" class="btn btn-primary" disabled={create.busy}>Create token</button>
      </form>
      <ErrorBox error={create.error} what="Create token" />
      {created && (
        <div class="secret-once" data-testid="new-agent-token">
          <Notice kind="success">Token “{created.name}” created. The secret is shown only now: copy the command and run it on the agent host.</Notice>
          <CodeBlock text={created.docker_run} label="docker run command" />
          <CodeBlock text={created.token} label="token" />
          <p class="muted small">Set AGENT_NAME and AGENT_LOCATION for each host; the token can register several agents until revoked.</p>
        </div>
      )}
      <ErrorBox error={tokens.error || revoke.error} what="Registration tokens" />
      {!tokens.data && !tokens.error && <Loading />}
      {tokens.data && tokens.data.length === 0 && <Empty title="No registration tokens" />}
      {tokens.data && tokens.data.length > 0 && (
        <div class="table-wrap">
          <table class="table" aria-label="Registration tokens">
            <thead><tr><th>Name</th><th>Prefix</th><th>Source</th><th>Created</th><th>Expires</th><th>Last used</th><th class="num">Uses</th><th /></tr></thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td class="mono">{t.prefix}…</td>
                  <td>{t.source}</td>
                  <td><Time iso={t.created_at} /></td>
                  <td>{t.expires_at ? <Time iso={t.expires_at} /> : 'never'}</td>
                  <td><Time iso={t.last_used_at} relative /></td>
                  <td class="num">{t.uses}</td>
                  <td>{t.revoked ? <Badge value="revoked" level="neutral" /> : t.source === 'api' && <button type="button" class="btn btn-small btn-danger" onClick={() => void revoke.run(t.id)}>Revoke</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
