// Admin: Flux Notify and webhooks (Slack/Teams/any JSON endpoint), delivered with retries.
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { Integration } from '../../api/types.js';
import { Badge } from '../../components/Badge.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback.js';
import { Field, checkedOf, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { useAction, useAsync } from '../../lib/hooks.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export function IntegrationSettings() {
  const list = useAsync(() => api.integrations.list(), []);
  const [kind, setKind] = useState('flux_notify');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [severity, setSeverity] = useState('HIGH');
  const [contactList, setContactList] = useState('NOC Team');
  const [enabled, setEnabled] = useState(true);
  const [tested, setTested] = useState<string | undefined>();
  const create = useAction(async () => {
    await api.integrations.create({
      kind, name: name.trim() || (kind === 'flux_notify' ? 'Flux Notify' : 'Webhook'), url: url.trim(), enabled,
      ...(kind === 'flux_notify' ? { api_key: apiKey, default_severity: severity, default_contact_list: contactList.trim() } : {}),
    });
    setUrl(''); setApiKey(''); setName('');
    list.reload();
  });
  const toggle = useAction(async (i: Integration) => {
    await api.integrations.update(i.id!, { enabled: i.enabled === false });
    list.reload();
  });
  const remove = useAction(async (i: Integration) => {
    if (!window.confirm(`Remove ${i.name ?? i.kind}?`)) return;
    await api.integrations.remove(i.id!);
    list.reload();
  });
  const test = useAction(async (i: Integration) => {
    await api.integrations.test(i.id!);
    setTested(`Test delivery to ${i.name ?? i.url} queued.`);
  });
  return (
    <Card title="Integrations">
      <p class="muted">Alerts open incidents in Flux Notify (severity and contact list) and are posted to webhooks. A down endpoint delays alerts, never loses them.</p>
      <ErrorBox error={list.error} what="Integrations" />
      {list.data && (
        <>
          {list.data.length === 0 ? <Empty title="No integrations configured" /> : (
            <ul class="rule-list">
              {list.data.map((i, n) => (
                <li key={i.id ?? n} class="row-between">
                  <div>
                    <strong>{i.name ?? i.kind}</strong> <Badge value={i.kind ?? 'webhook'} level="neutral" /> {i.enabled === false && <Badge value="disabled" level="neutral" />}
                    <div class="muted small mono">{i.url}</div>
                  </div>
                  {i.id !== undefined && (
                    <div class="btn-row">
                      <button type="button" class="btn btn-small" onClick={() => void test.run(i)}>Send test</button>
                      <button type="button" class="btn btn-small" onClick={() => void toggle.run(i)}>{i.enabled === false ? 'Enable' : 'Disable'}</button>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(i)}>Remove</button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
          <h3>Add an integration</h3>
          <form class="form-grid" onSubmit={(e) => { e.preventDefault(); void create.run(); }} aria-label="New integration">
            <Field label="Kind"><select value={kind} onChange={(e) => setKind(valueOf(e))}><option value="flux_notify">Flux Notify</option><option value="webhook">Webhook (Slack, Teams, JSON)</option></select></Field>
            <Field label="Name"><input value={name} onInput={(e) => setName(valueOf(e))} placeholder={kind === 'flux_notify' ? 'Flux Notify' : 'NOC Slack'} /></Field>
            <Field label="URL" wide><input type="url" required value={url} onInput={(e) => setUrl(valueOf(e))} placeholder={kind === 'flux_notify' ? 'http://flux-notify:4004' : 'https://hooks.example.com/…'} /></Field>
            {kind === 'flux_notify' && (
              <>
                <Field label="API key" hint="stored on the server, never shown again"><input type="password" autoComplete="off" required value={apiKey} onInput={(e) => setApiKey(valueOf(e))} /></Field>
                <Field label="Default severity"><select value={severity} onChange={(e) => setSeverity(valueOf(e))}>{SEVERITIES.map((s) => <option key={s}>{s}</option>)}</select></Field>
                <Field label="Default contact list"><input value={contactList} onInput={(e) => setContactList(valueOf(e))} /></Field>
              </>
            )}
            <label class="inline"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(checkedOf(e))} /> enabled</label>
            <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={create.busy}>Add</button></div>
          </form>
        </>
      )}
      {!list.data && !list.error && <Loading />}
      <ErrorBox error={create.error || toggle.error || remove.error || test.error} what="Integration" />
      {tested && <Notice kind="success">{tested}</Notice>}
    </Card>
  );
}
