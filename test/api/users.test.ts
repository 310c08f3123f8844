import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { appBackends, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

for (const backend of appBackends()) {
  describe(`users: ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await backend.open();
    });
    after(() => t.close());

    const create = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/users', headers: t.as('admin'), payload });

    it('an Admin creates users; the password is never returned and is stored with a slow KDF', async () => {
      const res = await create({ username: 'noc-ana', password: TEST_PASSWORD, role: 'OPERATOR' });
      assert.equal(res.statusCode, 201);
      assert.deepEqual(Object.keys(res.json()).sort(), ['created_at', 'disabled', 'id', 'last_login_at', 'role', 'username']);
      assert.equal(res.json().role, 'operator');
      const [row] = await t.ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [res.json().id]);
      assert.match(row!.password_hash, /^scrypt\$32768\$8\$1\$/);
      const list = (await t.app.inject({ url: '/api/users', headers: t.as('admin') })).json();
      assert.ok(list.some((u: { username: string }) => u.username === 'noc-ana'));
    });

    it('refuses a taken username (any case) with 409 naming the field', async () => {
      const res = await create({ username: 'NOC-ANA', password: TEST_PASSWORD, role: 'viewer' });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().field, 'username');
    });

    it('validates every field with a 400 naming it', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ username: 'x y', password: TEST_PASSWORD, role: 'viewer' }, 'username'],
        [{ username: 'short-pw', password: 'short', role: 'viewer' }, 'password'],
        [{ username: 'bad-role', password: TEST_PASSWORD, role: 'superuser' }, 'role'],
        [{ username: 'extra', password: TEST_PASSWORD, role: 'viewer', is_admin: true }, 'is_admin'],
        [{ password: TEST_PASSWORD, role: 'viewer' }, 'username'],
      ];
      for (const [payload, field] of cases) {
        const res = await create(payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().field, field);
        assert.equal(res.json().error, 'bad_request');
      }
      assert.equal((await t.ctx.db.query("SELECT 1 FROM users WHERE username IN ('x y', 'short-pw', 'bad-role', 'extra')")).length, 0, 'nothing half-written');
    });

    it('changes a role, disables and re-enables a user, and records each change in the audit log', async () => {
      const id = (await create({ username: 'rotating', password: TEST_PASSWORD, role: 'viewer' })).json().id;
      assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: t.as('admin'), payload: { role: 'operator' } })).json().role, 'operator');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/users/${id}`, headers: t.as('admin') })).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: t.as('admin'), payload: { disabled: false } })).json().disabled, false);
      const audit = (await t.app.inject({ url: '/api/audit?action=user.update', headers: t.as('admin') })).json();
      const mine = audit.entries.filter((e: { target_id: string }) => e.target_id === String(id));
      assert.equal(mine.length, 3);
      assert.deepEqual(mine[2].details, { role: { from: 'viewer', to: 'operator' } });
      assert.equal(mine[0].actor_name, 'admin');
    });

    it('404 for an unknown user', async () => {
      assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/users/999999', headers: t.as('admin'), payload: { role: 'viewer' } })).statusCode, 404);
    });

    it('never leaves the system without an active admin, and an admin cannot disable themself', async () => {
      const self = await t.app.inject({ method: 'DELETE', url: `/api/users/${t.userIds.admin}`, headers: t.as('admin') });
      assert.equal(self.statusCode, 409);
      const other = (await create({ username: 'second-admin', password: TEST_PASSWORD, role: 'admin' })).json();
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'second-admin', password: TEST_PASSWORD } });
      const second = { authorization: `Bearer ${login.json().token}` };
      assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/users/${t.userIds.admin}`, headers: second, payload: { role: 'viewer' } })).statusCode, 200);
      const last = await t.app.inject({ method: 'PATCH', url: `/api/users/${other.id}`, headers: second, payload: { role: 'operator' } });
      assert.equal(last.statusCode, 409);
      assert.match(last.json().message, /last active admin/);
      const [row] = await t.ctx.db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [other.id]);
      assert.equal(row!.role, 'admin', 'the refused change was not written');
    });

  });
}
