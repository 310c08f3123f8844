import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nextSlot } from '../../src/schedules/grid.js';
import { fireDueSchedules, schedulerTick } from '../../src/schedules/scheduler.js';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';

interface Firing { status: string; status_reason: string | null; note: string; created_at: Date; kind: string }

for (const backend of appBackends()) {
  describe(`scheduler batches: ${backend.name}`, () => {
    let t: TestApp;
    let hq: string;
    let flagged: string;
    let retired: string;
    before(async () => {
      t = await backend.open({ env: { SCHEDULE_MIN_INTERVAL_S: '60' } });
      hq = (await registerTestAgent(t.ctx, 'HQ-CORE')).agentId;
      flagged = (await registerTestAgent(t.ctx, 'BRANCH-FLAGGED')).agentId;
      retired = (await registerTestAgent(t.ctx, 'BRANCH-GONE')).agentId;
    });
    after(() => t.close());

    const insert = async (name: string, agentId: string, over: { testType?: string; target?: string; params?: object; paused?: boolean; dueAt: Date; offsetS?: number }) => {
      const [row] = await t.ctx.db.query<{ id: number }>(
        `INSERT INTO schedules (name, agent_id, test_type, target, params, interval_seconds, offset_seconds, next_run_at, paused)
         VALUES ($1, $2, $3, $4, $5, 60, $8, $6, $7) RETURNING id`,
        [name, agentId, over.testType ?? 'probe', over.target ?? '127.0.0.1', JSON.stringify(over.params ?? { port: 9 }), over.dueAt, over.paused ?? false, over.offsetS ?? 7],
      );
      return Number(row!.id);
    };
    const firings = (scheduleId: number) => t.ctx.db.query<Firing>(
      "SELECT status, status_reason, timeline->0->>'note' AS note, created_at, kind FROM runs WHERE schedule_id = $1 ORDER BY created_at", [scheduleId]);
    const scheduleRow = async (id: number) => (await t.ctx.db.query<{ next_run_at: Date; last_run_id: string | null; last_error: string | null }>(
      'SELECT next_run_at, last_run_id, last_error FROM schedules WHERE id = $1', [id]))[0]!;

    it('fires more due schedules than one batch holds, each once, even with two ticks racing; keeps every rule of a single firing', async () => {
      const now = new Date();
      const slot = new Date(now.getTime() - 1500);
      const probes = [];
      for (let i = 0; i < 7; i++) probes.push(await insert(`probe ${i}`, hq, { dueAt: slot }));
      const speedtest = await insert('to the server', hq, { testType: 'speedtest', target: 'server', params: { duration: 10 }, dueAt: slot });
      const broken = await insert('to a gone agent', hq, { testType: 'speedtest', target: 'agent:NOPE', params: {}, dueAt: slot });
      const inMaintenance = await insert('flagged', flagged, { dueAt: slot });
      const ofRetired = await insert('of retired', retired, { dueAt: slot });
      const paused = await insert('paused', hq, { dueAt: slot, paused: true });
      const later = await insert('not yet', hq, { dueAt: new Date(now.getTime() + 30_000) });
      await t.ctx.db.query("UPDATE agents SET maintenance = true, maintenance_reason = 'cabling' WHERE id = $1", [flagged]);
      await t.ctx.db.query('UPDATE agents SET retired_at = now() WHERE id = $1', [retired]);

      // Batches of 3 over 10 due schedules, two ticks at once.
      const fired = (await Promise.all([fireDueSchedules(t.ctx, now, 3), fireDueSchedules(t.ctx, now, 3)])).flat();
      const mine = [...probes, speedtest, inMaintenance];
      assert.deepEqual(fired.map((r) => Number(r.schedule_id)).sort((a, b) => a - b), [...mine].sort((a, b) => a - b), 'every due schedule fired once in all');
      assert.equal((await fireDueSchedules(t.ctx, now, 3)).length, 0, 'nothing left due');

      const next = nextSlot(now.getTime(), 60, 7).getTime();
      for (const id of mine) {
        const runs = await firings(id);
        assert.equal(runs.length, 1);
        assert.match(runs[0]!.note, new RegExp(`^scheduled by ".+" for ${slot.toISOString().replace(/\./g, '\\.')}$`));
        const row = await scheduleRow(id);
        assert.equal(row.next_run_at.getTime(), next);
        assert.equal(row.last_error, null);
        assert.ok(row.last_run_id, 'the schedule points at its run');
      }
      for (const id of probes) assert.equal((await firings(id))[0]!.status, 'queued');
      assert.equal((await firings(speedtest))[0]!.kind, 'speedtest');
      const skipped = (await firings(inMaintenance))[0]!;
      assert.equal(skipped.status, 'skipped_maintenance');
      assert.equal(skipped.status_reason, 'agent BRANCH-FLAGGED is in maintenance');

      assert.equal((await firings(broken)).length, 0);
      const brokenRow = await scheduleRow(broken);
      assert.match(brokenRow.last_error ?? '', /NOPE/);
      assert.equal(brokenRow.next_run_at.getTime(), next, 'a schedule that cannot build its job still moves on');
      for (const id of [ofRetired, paused, later]) assert.equal((await firings(id)).length, 0);
      await t.ctx.db.query('DELETE FROM schedules WHERE id = ANY($1::bigint[])', [[later]]);
    });

    it('a schedule the database refuses does not hold back the rest of its batch', async () => {
      const now = new Date();
      const slot = new Date(now.getTime() - 1000);
      const good = [await insert('good 1', hq, { dueAt: slot }), await insert('good 2', hq, { dueAt: slot })];
      const refused = await insert('refused', hq, { dueAt: slot });
      await t.ctx.db.exec(`CREATE FUNCTION refuse_run() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
        CREATE TRIGGER refuse_run BEFORE INSERT ON runs FOR EACH ROW WHEN (NEW.schedule_id = ${refused}) EXECUTE FUNCTION refuse_run();`);
      try {
        const fired = await fireDueSchedules(t.ctx, now);
        assert.deepEqual(fired.map((r) => Number(r.schedule_id)).sort((a, b) => a - b), good);
        for (const id of good) assert.equal((await firings(id)).length, 1);
        assert.equal((await scheduleRow(refused)).next_run_at.getTime(), slot.getTime(), 'its slot is still due');
      } finally {
        await t.ctx.db.exec('DROP TRIGGER refuse_run ON runs; DROP FUNCTION refuse_run();');
      }
      const fired = await fireDueSchedules(t.ctx, now);
      assert.deepEqual(fired.map((r) => Number(r.schedule_id)), [refused], 'fired once the database takes it');
    });

    it('a slot coming due during a tick fires in that tick, at its time, not at the next tick', async () => {
      // A slot on the schedule's own grid (whole seconds, offset to match), so its next slot is a
      // full interval later and cannot also fall inside this tick.
      const slot = new Date(Math.ceil((Date.now() + 400) / 1000) * 1000);
      const id = await insert('soon', hq, { dueAt: slot, offsetS: (slot.getTime() / 1000) % 60 });
      const fired = await schedulerTick(t.ctx, new AbortController().signal, 5000);
      const run = fired.find((r) => Number(r.schedule_id) === id);
      assert.ok(run, 'fired within the tick');
      assert.ok(run.created_at.getTime() >= slot.getTime(), 'not before its slot');
      assert.equal((await firings(id)).length, 1);
    });
  });
}
