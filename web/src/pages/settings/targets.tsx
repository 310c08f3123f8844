// Speedtest targets known by name (Admin edits; everyone reads). `auto` picks the nearest of
// those marked as candidates.
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { SpeedTarget } from '../../api/types.js';
import { Empty, ErrorBox, Loading } from '../../components/Feedback.js';
import { Field, checkedOf, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { useAction, useAsync } from '../../lib/hooks.js';
import { useRole } from '../../lib/session.js';

export function TargetSettings() {
  const isAdmin = useRole('admin');
  const targets = useAsync(() => api.targets.list(), []);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'http' | 'iperf3'>('iperf3');
  const [address, setAddress] = useState('');
  const [location, setLocation] = useState('');
  const [auto, setAuto] = useState(true);
  const create = useAction(async () => {
    await api.targets.create({ name: name.trim(), kind, address: address.trim(), location: location.trim(), auto });
    setName(''); setAddress(''); setLocation('');
    targets.reload();
  });
  const remove = useAction(async (t: SpeedTarget) => {
    if (!window.confirm(`Remove the target ${t.name}? Schedules that name it stop resolving.`)) return;
    await api.targets.remove(t.id);
    targets.reload();
  });
  return (
    <Card title="Speedtest targets">
      <p class="muted">Use a target's name as the speedtest target. “auto” measures to the nearest of those marked as candidates.</p>
      <ErrorBox error={targets.error || remove.error} what="Speedtest targets" />
      {!targets.data && !targets.error && <Loading />}
      {targets.data && targets.data.length === 0 && <Empty title="No named targets">The built-in ones still work: server, agent:NAME, a URL or host[:port].</Empty>}
      {targets.data && targets.data.length > 0 && (
        <div class="table-wrap">
          <table class="table" aria-label="Speedtest targets">
            <thead><tr><th>Name</th><th>Engine</th><th>Address</th><th>Location</th><th>auto candidate</th>{isAdmin && <th />}</tr></thead>
            <tbody>
              {targets.data.map((t) => (
                <tr key={t.id}>
                  <td class="mono">{t.name}</td><td>{t.kind === 'http' ? 'HTTP' : 'iPerf3'}</td><td class="mono">{t.address}</td><td>{t.location || '—'}</td><td>{t.auto ? 'yes' : 'no'}</td>
                  {isAdmin && <td><button type="button" class="btn btn-small btn-danger" onClick={() => void remove.run(t)}>Remove</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isAdmin && (
        <form class="form-grid" aria-label="New speedtest target" onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
          <Field label="Name" hint="letters, digits, . _ -"><input required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" value={name} onInput={(e) => setName(valueOf(e))} placeholder="iperf-dallas" /></Field>
          <Field label="Engine"><select value={kind} onChange={(e) => setKind(valueOf(e) as 'http' | 'iperf3')}><option value="iperf3">iPerf3</option><option value="http">HTTP</option></select></Field>
          <Field label="Address" hint={kind === 'http' ? 'an http(s) URL' : 'host, host:port or [v6]:port'}><input required maxLength={2048} value={address} onInput={(e) => setAddress(valueOf(e))} /></Field>
          <Field label="Location"><input maxLength={200} value={location} onInput={(e) => setLocation(valueOf(e))} placeholder="Dallas, TX" /></Field>
          <label class="inline"><input type="checkbox" checked={auto} onChange={(e) => setAuto(checkedOf(e))} /> candidate for auto</label>
          <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={create.busy}>Add target</button></div>
        </form>
      )}
      <ErrorBox error={create.error} what="Add target" />
    </Card>
  );
}
