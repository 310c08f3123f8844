import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import type { User } from '../../api/types.js';
import { Badge } from '../../components/Badge.js';
import { Empty, ErrorBox, Loading } from '../../components/Feedback.js';
import { Field, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { useAction, useAsync } from '../../lib/hooks.js';
import { useSession } from '../../lib/session.js';

const ROLES = ['viewer', 'operator', 'admin'];

export function UserSettings() {
  const me = useSession()!.user;
  const users = useAsync(() => api.users.list(), []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('viewer');
  const create = useAction(async () => {
    await api.users.create(username.trim(), password, role);
    setUsername(''); setPassword('');
    users.reload();
  });
  const update = useAction(async (u: User, change: { role?: string; disabled?: boolean; password?: string }) => {
    await api.users.update(u.id, change);
    users.reload();
  });
  const resetPassword = (u: User) => {
    const next = window.prompt(`New password for ${u.username} (at least 8 characters):`);
    if (next) void update.run(u, { password: next });
  };
  return (
    <Card title="Users and roles">
      <p class="muted">Admin: everything. Operator: run tests, create schedules, acknowledge alerts. Viewer: read only.</p>
      <form class="form-row" onSubmit={(e) => { e.preventDefault(); void create.run(); }} aria-label="New user">
        <Field label="Username"><input required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._@\-]*" value={username} onInput={(e) => setUsername(valueOf(e))} /></Field>
        <Field label="Password" hint="at least 8 characters"><input type="password" autoComplete="new-password" required minLength={8} value={password} onInput={(e) => setPassword(valueOf(e))} /></Field>
        <Field label="Role"><select value={role} onChange={(e) => setRole(valueOf(e))}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></Field>
        <button type="submit" class="btn btn-primary" disabled={create.busy}>Add user</button>
      </form>
      <ErrorBox error={create.error || update.error} what="Users" />
      <ErrorBox error={users.error} what="Users" />
      {!users.data && !users.error && <Loading />}
      {users.data && users.data.length === 0 && <Empty title="No users" />}
      {users.data && users.data.length > 0 && (
        <div class="table-wrap">
          <table class="table" aria-label="Users">
            <thead><tr><th>User</th><th>Role</th><th>State</th><th>Last sign-in</th><th>Created</th><th /></tr></thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} data-user={u.username}>
                  <td>{u.username}{u.id === me.id && <span class="pill">you</span>}</td>
                  <td>
                    <select aria-label={`Role of ${u.username}`} value={u.role} disabled={u.id === me.id} onChange={(e) => void update.run(u, { role: valueOf(e) })}>
                      {ROLES.map((r) => <option key={r}>{r}</option>)}
                    </select>
                  </td>
                  <td>{u.disabled ? <Badge value="disabled" level="neutral" /> : <Badge value="active" level="good" />}</td>
                  <td><Time iso={u.last_login_at} relative /></td>
                  <td><Time iso={u.created_at} /></td>
                  <td class="btn-row">
                    <button type="button" class="btn btn-small" onClick={() => resetPassword(u)}>Set password</button>
                    {u.id !== me.id && <button type="button" class={`btn btn-small${u.disabled ? '' : ' btn-danger'}`} onClick={() => void update.run(u, { disabled: !u.disabled })}>{u.disabled ? 'Enable' : 'Disable'}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
