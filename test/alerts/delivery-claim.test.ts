// Two workers delivering the notification outbox while Flux Notify hangs: a pass that outlasts
// its batch's claim must not send a notification another worker has taken over meanwhile.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, before, after } from 'node:test';
import { deliverDue } from '../../src/alerts/delivery.js';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';
import { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { uploadResult } from '../helpers/upload-result.js';

for (const backend of appBackends()) {
  describe(`notification outbox claims: ${backend.name}`, () => {
    const notify = new FakeFluxNotify();
    let t: TestApp;
    before(async () => {
      await notify.start();
      t = await backend.open({ env: { FLUX_NOTIFY_URL: notify.url, FLUX_NOTIFY_API_KEY: 'k', NOTIFY_TIMEOUT_S: '5', LOG_LEVEL: 'silent' } });
    });
    after(async () => {
      await t.close();
      await notify.stop();
    });

    it('sends each incident once when a slow pass outlives its claim and another worker takes over', async () => {
      const names = ['SLOW-A', 'SLOW-B', 'SLOW-C'];
      for (const name of names) {
        const agent = await registerTestAgent(t.ctx, name);
        const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('admin'), payload: { name: `${name} latency`, agent: name, metric: 'latency_ms', threshold: 20, consecutive_failures: 1 } });
        assert.equal(rule.statusCode, 201, rule.body);
        await uploadResult(t, agent, 'speedtest.net', { latency_ms: 90 });
      }
      const pending = await t.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notify_outbox WHERE state = 'pending' AND destination = 'flux_notify'`);
      assert.equal(pending[0]!.n, 3);

      notify.holdMs = 600;
      // The first worker's pass takes the batch and is slow: it is still sending the first row...
      const slow = deliverDue(t.ctx);
      await sleep(300);
      // ...when its batch claim runs out (time moved on: the claim it took for the batch is over).
      await t.ctx.db.query(`UPDATE notify_outbox SET claimed_until = now() - interval '1 second'
        WHERE claimed_until = (SELECT min(claimed_until) FROM notify_outbox WHERE state = 'pending')`);
      // Another worker's pass now: the rows the first has not reached yet are free to take.
      const other = deliverDue(t.ctx);
      const [a, b] = await Promise.all([slow, other]);

      const creates = notify.requests.filter((r) => r.path === '/api/incidents');
      const alertIds = creates.map((r) => r.body.alert_id as number);
      assert.equal(new Set(alertIds).size, alertIds.length, `an incident was sent twice: ${JSON.stringify(alertIds)}`);
      assert.equal(alertIds.length, 3);
      assert.equal(a.delivered + b.delivered, 3);
      const states = await t.ctx.db.query<{ state: string }>(`SELECT state FROM notify_outbox WHERE destination = 'flux_notify'`);
      assert.deepEqual(states.map((s) => s.state), ['delivered', 'delivered', 'delivered']);
    });
  });
}
