// Admin: Flux Notify (stored over the environment's defaults; the key is write-only), webhooks
// (Slack/Teams/any JSON endpoint), and the delivery log with every attempt.
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { FluxNotifySettings, Webhook } from '../../api/types.js';
import { Badge } from '../../components/Badge.js';
import { Empty, ErrorBox, Loading, Notice } from '../../components/Feedback.js';
import { Field, checkedOf, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useAction, useAsync } from '../../lib/hooks.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

function FluxNotifyForm({ current, onSaved }: { current: FluxNotifySettings; onSaved: () => void }) {
  const [url, setUrl] = useState(current.url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [severity, setSeverity] = useState(current.default_severity);
  const [contactList, setContactList] = useState(current.default_contact_list);
  const [enabled, setEnabled] = useState(current.enabled);
  const save = useAction(async () => {
    await api.integrations.saveSettings({
      ...(url.trim() !== (current.url ?? '') ? { url: url.trim() || null } : {}),
      default_severity: severity, default_contact_list: contactList.trim(), enabled,
      ...(apiKey ? { api_key: apiKey } : {}),
    });
    setApiKey('');
    onSaved();
  });
  return (
    <form class="form-grid" aria-label="Flux Notify" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      <Field label="URL" wide hint={current.url_source === 'environment' ? 'from FLUX_NOTIFY_URL' : current.url_source === 'none' ? 'not configured: alerts are listed but not sent' : 'stored here'}>
        <input type="url" value={url} onInput={(e) => setUrl(valueOf(e))} placeholder="http://flux-notify:4004" />
      </Field>
      <Field label="API key" hint={current.api_key_set ? 'set (never shown); type to replace' : 'not set'}>
        <input type="password" autoComplete="off" value={apiKey} onInput={(e) => setApiKey(valueOf(e))} placeholder={current.api_key_set ? '••••••••' : ''} />
      </Field>
      <Field label="Default severity"><select value={severity} onChange={(e) => setSeverity(valueOf(e))}>{SEVERITIES.map((s) => <option key={s}>{s}</option>)}</select></Field>
      <Field label="Default contact list"><input required value={contactList} onInput={(e) => setContactList(valueOf(e))} /></Field>
      <label class="inline"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(checkedOf(e))} /> send incidents</label>
      <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={save.busy}>Save Flux Notify settings</button></div>
      <ErrorBox error={save.error} what="Flux Notify settings" />
    </form>
  );
}

function Webhooks() {
  const list = useAsync(() => api.integrations.list(), []);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [tested, setTested] = useState<string | undefined>();
  const create = useAction(async () => {
    await api.integrations.create({ name: name.trim(), url: url.trim(), ...(secret ? { secret } : {}) });
    setUrl(''); setName(''); setSecret('');
    list.reload();
  });
  const toggle = useAction(async (w: Webhook) => {
    await api.integrations.update(w.id, { enabled: !w.enabled });
    list.reload();
  });
  const remove = useAction(async (w: Webhook) => {
    if (!window.confirm(`Remove the webhook ${w.name}?`)) return;
    await api.integrations.remove(w.id);
    list.reload();
  });
  const test = useAction(async (w: Webhook) => {
    await api.integrations.test(w.id);
    setTested(`Test notification to ${w.name} queued: see the delivery log.`);
  });
  return (
    <Card title="Webhooks">
      <p class="muted">Every alert fire and resolve is POSTed as JSON (signed with HMAC-SHA256 when a secret is set).</p>
      <ErrorBox error={list.error} what="Webhooks" />
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.length === 0 && <Empty title="No webhooks" />}
      {list.data && list.data.length > 0 && (
        <ul class="rule-list" aria-label="Webhooks">
          {list.data.map((w) => (
            <li key={w.id} class="row-between">
              <div>
                <strong>{w.name}</strong> {!w.enabled && <Badge value="disabled" level="neutral" />} {w.secret_set && <Badge value="signed" level="neutral" />}
                <div class="muted small mono">{w.url}</div>
              </div>
              <div class="btn-row">
                <button type="button" class="btn btn-small" onClick={() => void test.run(w)}>Send test</button>
                <button type="button" class="btn btn-small" onClick={() => void toggle.run(w)}>{w.enabled ? 'Disable' : 'Enable'}</button>
                <button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(w)}>Remove</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form class="form-grid" onSubmit={(e) => { e.preventDefault(); void create.run(); }} aria-label="New webhook">
        <Field label="Name"><input required value={name} onInput={(e) => setName(valueOf(e))} placeholder="NOC Slack" /></Field>
        <Field label="URL" wide><input type="url" required value={url} onInput={(e) => setUrl(valueOf(e))} placeholder="https://hooks.example.com/…" /></Field>
        <Field label="Secret" hint="optional, 8+ characters; never shown again"><input type="password" autoComplete="off" value={secret} onInput={(e) => setSecret(valueOf(e))} /></Field>
        <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={create.busy}>Add webhook</button></div>
      </form>
      <ErrorBox error={create.error || toggle.error || remove.error || test.error} what="Webhook" />
      {tested && <Notice kind="success">{tested}</Notice>}
    </Card>
  );
}

function Deliveries() {
  const log = useAsync(() => api.integrations.deliveries({ limit: 50 }), [], 10_000);
  return (
    <Card title="Delivery log">
      <ErrorBox error={log.error} what="Delivery log" />
      {!log.data && !log.error && <Loading />}
      {log.data && log.data.length === 0 && <Empty title="Nothing sent yet" />}
      {log.data && log.data.length > 0 && (
        <div class="table-wrap"><table class="table" aria-label="Deliveries">
          <thead><tr><th>Event</th><th>To</th><th>State</th><th>Attempts</th><th>Last error</th><th>Queued</th></tr></thead>
          <tbody>
            {log.data.map((d) => (
              <tr key={d.id}>
                <td>{d.event}{d.alert_id !== null ? ` #${d.alert_id}` : ''}</td>
                <td>{d.destination === 'flux_notify' ? 'Flux Notify' : (d.webhook?.name ?? 'webhook')}</td>
                <td><Badge value={d.state} level={d.state === 'delivered' ? 'good' : d.state === 'pending' ? 'warn' : 'neutral'} /></td>
                <td>
                  {d.history.length === 0 ? d.attempts : (
                    <details>
                      <summary>{d.attempts}</summary>
                      <ol class="small" aria-label={`Attempts of delivery ${d.id}`}>
                        {d.history.map((h, i) => (
                          <li key={i}><Time iso={h.at} /> · {h.status_code !== null ? `HTTP ${h.status_code}` : 'no answer'} · {h.duration_ms} ms{h.error ? ` · ${h.error}` : ''}</li>
                        ))}
                      </ol>
                    </details>
                  )}
                  {d.state === 'pending' && d.next_attempt_at && <div class="muted small">next <Time iso={d.next_attempt_at} relative /></div>}
                </td>
                <td class="small">{d.last_error ?? ''}</td>
                <td><Time iso={d.created_at} relative /></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </Card>
  );
}

export function IntegrationSettings() {
  const settings = useAsync(() => api.integrations.settings(), []);
  // Outside the form: a save remounts it (keyed by updated_at) with the stored values.
  const [saved, setSaved] = useState(false);
  return (
    <>
      <Card title="Flux Notify">
        <p class="muted">Alerts open incidents in Flux Notify with their severity and contact list, and resolve them on recovery. A down Flux Notify delays incidents, never loses them.</p>
        <ErrorBox error={settings.error} what="Flux Notify settings" />
        {!settings.data && !settings.error && <Loading />}
        {settings.data && <FluxNotifyForm key={settings.data.updated_at ?? 'env'} current={settings.data} onSaved={() => { setSaved(true); settings.reload(); }} />}
        {saved && <Notice kind="success">Saved.</Notice>}
      </Card>
      <Webhooks />
      <Deliveries />
    </>
  );
}
