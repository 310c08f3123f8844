import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { appBackends, type TestApp } from '../helpers/app.js';

for (const backend of appBackends()) {
  describe(`speedtest targets: ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await backend.open();
    });
    after(() => t.close());

    it('an Admin manages the list; everyone reads it; bad addresses are refused with the field', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('admin'), payload: { name: 'iperf-lab', kind: 'iperf3', address: '10.0.0.5:5201', location: 'Lab' } });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().auto, true);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('operator'), payload: { name: 'x', kind: 'http', address: 'http://x.example/' } })).statusCode, 403);
      const dup = await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('admin'), payload: { name: 'IPERF-LAB', kind: 'iperf3', address: '10.0.0.6' } });
      assert.equal(dup.statusCode, 409);
      for (const [payload, field] of [
        [{ name: 'bad', kind: 'iperf3', address: 'host;reboot' }, 'address'],
        [{ name: 'bad', kind: 'http', address: 'ftp://x.example' }, 'address'],
        [{ name: 'bad', kind: 'iperf3', address: 'http://x.example' }, 'address'],
        [{ name: '-bad', kind: 'iperf3', address: '10.0.0.1' }, 'name'],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('admin'), payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().field, field);
      }
      const list = (await t.app.inject({ url: '/api/speed/targets', headers: t.as('viewer') })).json();
      assert.deepEqual(list.map((x: { name: string }) => x.name), ['iperf-lab']);
      const id = created.json().id;
      const updated = await t.app.inject({ method: 'PUT', url: `/api/speed/targets/${id}`, headers: t.as('admin'), payload: { name: 'iperf-lab', kind: 'iperf3', address: '10.0.0.7', auto: false } });
      assert.equal(updated.json().address, '10.0.0.7');
      assert.equal(updated.json().auto, false);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/targets/${id}`, headers: t.as('admin') })).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/targets/${id}`, headers: t.as('admin') })).statusCode, 404);
    });
  });
}
