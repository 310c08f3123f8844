import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { jwtKeys, signSession } from '../../src/auth/jwt.js';
import { appBackends, TEST_PASSWORD, TEST_SECRET, type TestApp } from '../helpers/app.js';

for (const backend of appBackends()) {
  describe(`auth: ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await backend.open();
    });
    after(() => t.close());

    const login = (username: string, password: string, ip = '10.9.9.9') =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

    it('logs in with the right password and returns a JWT that works, its expiry and the user', async () => {
      const res = await login('operator', TEST_PASSWORD);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.user.username, 'operator');
      assert.equal(body.user.role, 'operator');
      assert.ok(!('password_hash' in body.user));
      const expires = Date.parse(body.expires_at);
      assert.ok(Math.abs(expires - (Date.now() + t.ctx.config.jwtTtlS * 1000)) < 5000);
      const me = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${body.token}` } });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().username, 'operator');
      assert.equal(me.json().via, 'jwt');
    });

    it('usernames are case-insensitive at login', async () => {
      assert.equal((await login('OPERATOR', TEST_PASSWORD)).statusCode, 200);
    });

    it('refuses a wrong password or unknown user with the same 401', async () => {
      const wrong = await login('viewer', 'not the password');
      const unknown = await login('nobody-here', 'whatever-password');
      assert.equal(wrong.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      assert.deepEqual(wrong.json(), unknown.json());
    });

    it('names the missing field in a 400', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), { error: 'bad_request', message: 'password: is required', field: 'password' });
    });

    it('locks a username after 5 failed passwords, with Retry-After, even for the right password', async () => {
      const victim = 'ratelimited';
      await t.app.inject({ method: 'POST', url: '/api/users', headers: t.as('admin'), payload: { username: victim, password: TEST_PASSWORD, role: 'viewer' } });
      for (let i = 0; i < 5; i++) assert.equal((await login(victim, 'bad password', `10.0.0.${i}`)).statusCode, 401);
      const locked = await login(victim, TEST_PASSWORD, '10.0.1.1');
      assert.equal(locked.statusCode, 429);
      const retryAfter = Number(locked.headers['retry-after']);
      assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter}`);
      assert.equal((await login('operator', TEST_PASSWORD, '10.0.1.2')).statusCode, 200, 'other users are unaffected');
    });

    it('limits attempts per client address', async () => {
      let last = 0;
      for (let i = 0; i < 31; i++) last = (await login(`user${i}`, 'x-wrong-pass', '10.7.7.7')).statusCode;
      assert.equal(last, 429);
    });

    it('rejects an expired JWT, a JWT signed with an unknown key, and a tampered one', async () => {
      const short = jwtKeys([TEST_SECRET], 1);
      const { token } = await signSession(short, { userId: t.userIds.viewer, username: 'viewer', role: 'viewer' });
      await new Promise((r) => setTimeout(r, 2100));
      assert.equal((await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
      const foreign = await signSession(jwtKeys(['another-secret-another-secret-another-secret'], 600), { userId: t.userIds.admin, username: 'admin', role: 'admin' });
      assert.equal((await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${foreign.token}` } })).statusCode, 401);
      const [h, p, s] = t.jwt.viewer.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: String(t.userIds.admin) })).toString('base64url');
      assert.equal((await t.app.inject({ url: '/api/users', headers: { authorization: `Bearer ${h}.${forgedPayload}.${s}` } })).statusCode, 401);
    });

    it('the role comes from the user row, not the token: a demoted or disabled user loses access at once', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/api/users', headers: t.as('admin'), payload: { username: 'temp-admin', password: TEST_PASSWORD, role: 'Admin' } });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().role, 'admin', 'role input is case-insensitive');
      const token = (await login('temp-admin', TEST_PASSWORD, '10.3.3.3')).json().token;
      assert.equal((await t.app.inject({ url: '/api/users', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
      await t.app.inject({ method: 'PATCH', url: `/api/users/${created.json().id}`, headers: t.as('admin'), payload: { role: 'viewer' } });
      assert.equal((await t.app.inject({ url: '/api/users', headers: { authorization: `Bearer ${token}` } })).statusCode, 403);
      await t.app.inject({ method: 'DELETE', url: `/api/users/${created.json().id}`, headers: t.as('admin') });
      assert.equal((await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
      assert.equal((await login('temp-admin', TEST_PASSWORD, '10.3.3.4')).statusCode, 401, 'a disabled user cannot log in');
    });

    it('API tokens: created once, stored hashed, act with the owner’s role, revocable', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: t.as('viewer'), payload: { name: 'grafana' } });
      assert.equal(created.statusCode, 201);
      const { token, id, prefix } = created.json();
      assert.match(token, /^fst_/);
      assert.ok(token.startsWith(prefix));
      const stored = await t.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
      assert.notEqual(stored[0]!.token_hash, token);
      assert.ok(!JSON.stringify(stored).includes(token), 'the secret is not stored');

      const viewerToken = { 'x-api-token': token };
      assert.equal((await t.app.inject({ url: '/api/users', headers: viewerToken })).statusCode, 403, 'a Viewer token gets 403 on an Admin route');
      const me = await t.app.inject({ url: '/api/auth/me', headers: viewerToken });
      assert.equal(me.statusCode, 200, 'and 200 on a read route');
      assert.equal(me.json().via, 'api_token');

      const list = (await t.app.inject({ url: '/api/auth/tokens', headers: t.as('viewer') })).json();
      assert.equal(list.length, 1);
      assert.ok(!('token' in list[0]), 'the list never shows the secret');
      assert.ok(list[0].last_used_at);

      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: t.as('operator') })).statusCode, 403, 'not your token');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: t.as('viewer') })).statusCode, 204);
      assert.equal((await t.app.inject({ url: '/api/auth/me', headers: viewerToken })).statusCode, 401);
    });

    it('an expired API token is refused', async () => {
      const created = (await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: t.as('operator'), payload: { name: 'short', expires_in_days: 1 } })).json();
      await t.ctx.db.query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [created.id]);
      assert.equal((await t.app.inject({ url: '/api/auth/me', headers: { 'x-api-token': created.token } })).statusCode, 401);
    });

    it('changes your own password with the current one', async () => {
      const bad = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: t.as('operator'), payload: { current_password: 'nope', new_password: 'a brand new password' } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'current_password');
      const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: t.as('operator'), payload: { current_password: TEST_PASSWORD, new_password: 'a brand new password' } });
      assert.equal(ok.statusCode, 204);
      assert.equal((await login('operator', 'a brand new password', '10.4.4.4')).statusCode, 200);
    });

    it('JWT secret rotation: a token signed with the previous secret still verifies', async () => {
      const rotated = await backend.open({ env: { JWT_SECRET: `new-secret-new-secret-new-secret-new-secret,${TEST_SECRET}` } });
      try {
        const old = await signSession(jwtKeys([TEST_SECRET], 600), { userId: rotated.userIds.viewer, username: 'viewer', role: 'viewer' });
        assert.equal((await rotated.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${old.token}` } })).statusCode, 200);
        const fresh = (await rotated.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'viewer', password: TEST_PASSWORD } })).json().token;
        assert.equal((await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${fresh}` } })).statusCode, 401, 'new tokens are signed with the new secret');
      } finally {
        await rotated.close();
      }
    });
  });
}
