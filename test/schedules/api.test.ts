import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { acceptResult, createRun } from '../../src/runs/service.js';
import { fireDueSchedules } from '../../src/schedules/scheduler.js';
import { syncMaintenanceWindows } from '../../src/maintenance/agent-states.js';
import { isInMaintenance } from '../../src/maintenance/repository.js';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';

const BRIEF_EXAMPLE = {
  name: 'HQ Uplink — Hourly',
  agent: 'HQ-CORE',
  target: 'speedtest.net',
  test_type: 'speedtest',
  interval_seconds: 3600,
  thresholds: { download_min_mbps: 800, upload_min_mbps: 400, latency_max_ms: 20, packet_loss_max_pct: 0.5 },
  alert_on_breach: true,
  notify_contact_list: 'NOC Team',
};

const probeSchedule = (over: Record<string, unknown> = {}) => ({ name: 'edge probe', agent: 'HQ-CORE', target: '127.0.0.1', test_type: 'probe', interval_seconds: 60, params: { port: 9 }, ...over });

for (const backend of appBackends()) {
  describe(`schedules and maintenance API: ${backend.name}`, () => {
    let t: TestApp;
    let agentId: string;
    before(async () => {
      t = await backend.open({ env: { SCHEDULE_MIN_INTERVAL_S: '60' } });
      agentId = (await registerTestAgent(t.ctx, 'HQ-CORE')).agentId;
    });
    after(() => t.close());

    const post = (url: string, payload: unknown, role: 'operator' | 'viewer' | 'admin' = 'operator') => t.app.inject({ method: 'POST', url, headers: t.as(role), payload: payload as object });
    const runsOf = (scheduleId: number) => t.ctx.db.query<{ id: string; status: string; status_reason: string | null; timeline: { note?: string }[]; schedule_id: number }>(
      'SELECT id, status, status_reason, timeline, schedule_id FROM runs WHERE schedule_id = $1 ORDER BY created_at', [scheduleId]);

    it("accepts the brief's example body as is and shows when it runs next", async () => {
      const before = Date.now();
      const res = await post('/api/speed/schedules', BRIEF_EXAMPLE);
      assert.equal(res.statusCode, 201, res.body);
      const s = res.json();
      assert.equal(s.name, 'HQ Uplink — Hourly');
      assert.deepEqual(s.agent, { id: agentId, name: 'HQ-CORE' });
      assert.equal(s.test_type, 'speedtest');
      assert.deepEqual(s.thresholds, BRIEF_EXAMPLE.thresholds);
      assert.equal(s.consecutive_failures, 1);
      assert.equal(s.notify_contact_list, 'NOC Team');
      assert.equal(s.paused, false);
      const next = Date.parse(s.next_run_at);
      assert.ok(next > before && next <= before + 3600_000 + 1000, s.next_run_at);
      assert.equal((next / 1000 - s.offset_seconds) % 3600, 0, 'on the grid epoch + offset + k × interval');
      assert.equal(s.last_run, null);
      const listed = (await t.app.inject({ url: '/api/speed/schedules', headers: t.as('viewer') })).json();
      assert.ok(listed.some((x: { id: number }) => x.id === s.id));
      assert.equal((await t.app.inject({ url: '/api/speed/schedules?agent=hq-core', headers: t.as('viewer') })).json().length, listed.length);
      assert.equal((await t.app.inject({ url: '/api/speed/schedules?agent=NOPE', headers: t.as('viewer') })).json().field, 'agent');
      const audit = await t.ctx.db.query<{ action: string }>("SELECT action FROM audit_log WHERE target_type = 'schedule' AND target_id = $1", [String(s.id)]);
      assert.deepEqual(audit.map((a) => a.action), ['schedule.create']);
    });

    it('refuses bad bodies with a 400 naming the field, and writes nothing', async () => {
      const count = async () => (await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schedules'))[0]!.n;
      const before = await count();
      const cases: [Record<string, unknown>, string][] = [
        [{ ...BRIEF_EXAMPLE, test_type: 'ping' }, 'test_type'],
        [{ ...BRIEF_EXAMPLE, interval_seconds: 30 }, 'interval_seconds'],
        [{ ...BRIEF_EXAMPLE, interval_seconds: 0 }, 'interval_seconds'],
        [{ ...BRIEF_EXAMPLE, agent: 'NOPE' }, 'agent'],
        [{ ...BRIEF_EXAMPLE, name: '' }, 'name'],
        [{ ...BRIEF_EXAMPLE, thresholds: { latency_max_ms: -1 } }, 'thresholds.latency_max_ms'],
        [{ ...BRIEF_EXAMPLE, thresholds: { latency_ms: 5 } }, 'thresholds.latency_ms'],
        [{ ...BRIEF_EXAMPLE, severity: 'URGENT' }, 'severity'],
        [{ ...BRIEF_EXAMPLE, consecutive_failures: 0 }, 'consecutive_failures'],
        [{ ...BRIEF_EXAMPLE, params: { duration: 15 } }, 'params.duration'],
        [{ ...BRIEF_EXAMPLE, params: { streams: 9 } }, 'params.streams'],
        [{ ...BRIEF_EXAMPLE, params: { bogus: 1 } }, 'params.bogus'],
        [{ ...BRIEF_EXAMPLE, target: 'host;reboot' }, 'target'],
        [probeSchedule({ params: {} }), 'params.port'],
        [probeSchedule({ params: { port: 70000 } }), 'params.port'],
        [probeSchedule({ params: { port: 80, protocol: 'sctp' } }), 'params.protocol'],
        [probeSchedule({ target: 'bad host' }), 'target'],
        [{ ...probeSchedule(), test_type: 'dns', target: 'example.com', params: { record_type: 'BOGUS' } }, 'params.record_type'],
        [{ ...probeSchedule(), test_type: 'dns', target: '-bad-', params: {} }, 'target'],
        [{ ...probeSchedule(), test_type: 'trace', target: 'example.com', params: { count: 0 } }, 'params.count'],
        [{ ...BRIEF_EXAMPLE, extra: 1 }, 'extra'],
      ];
      for (const [payload, field] of cases) {
        const res = await post('/api/speed/schedules', payload);
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} → ${res.body}`);
        assert.equal(res.json().field, field, res.body);
      }
      assert.equal((await post('/api/speed/schedules', BRIEF_EXAMPLE, 'viewer')).statusCode, 403);
      assert.equal(await count(), before);
    });

    it('edits, pauses, resumes, runs now and deletes; every change is audited', async () => {
      const s = (await post('/api/speed/schedules', probeSchedule())).json();
      const patched = await t.app.inject({ method: 'PATCH', url: `/api/speed/schedules/${s.id}`, headers: t.as('operator'), payload: { interval_seconds: 120, thresholds: { latency_max_ms: 50 }, severity: 'CRITICAL', params: { port: 443, timeout_ms: 500 } } });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().interval_seconds, 120);
      assert.equal(patched.json().severity, 'CRITICAL');
      assert.deepEqual(patched.json().params, { port: 443, timeout_ms: 500 });
      assert.equal((Date.parse(patched.json().next_run_at) / 1000 - patched.json().offset_seconds) % 120, 0);
      const bad = await t.app.inject({ method: 'PATCH', url: `/api/speed/schedules/${s.id}`, headers: t.as('operator'), payload: { params: { port: 0 } } });
      assert.equal(bad.json().field, 'params.port');
      const paused = (await post(`/api/speed/schedules/${s.id}/pause`, {})).json();
      assert.equal(paused.paused, true);
      assert.equal(paused.next_run_at, null);
      const resumed = (await post(`/api/speed/schedules/${s.id}/resume`, {})).json();
      assert.equal(resumed.paused, false);
      assert.ok(Date.parse(resumed.next_run_at) > Date.now());
      const ran = await post(`/api/speed/schedules/${s.id}/run`, {});
      assert.equal(ran.statusCode, 202);
      const runs = await runsOf(s.id);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.id, ran.json().run_id);
      assert.equal(runs[0]!.status, 'queued');
      const shown = (await t.app.inject({ url: `/api/speed/schedules/${s.id}`, headers: t.as('viewer') })).json();
      assert.equal(shown.last_run.id, ran.json().run_id);
      assert.equal(shown.last_run.status, 'queued');
      assert.ok(shown.last_run_at);
      const byViewer = await t.app.inject({ method: 'DELETE', url: `/api/speed/schedules/${s.id}`, headers: t.as('viewer') });
      assert.equal(byViewer.statusCode, 403);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/schedules/${s.id}`, headers: t.as('operator') })).statusCode, 204);
      assert.equal((await t.app.inject({ url: `/api/speed/schedules/${s.id}`, headers: t.as('viewer') })).statusCode, 404);
      assert.equal((await runsOf(s.id)).length, 1, 'its runs are kept');
      const audit = await t.ctx.db.query<{ action: string }>("SELECT action FROM audit_log WHERE target_type = 'schedule' AND target_id = $1 ORDER BY id", [String(s.id)]);
      assert.deepEqual(audit.map((a) => a.action), ['schedule.create', 'schedule.update', 'schedule.pause', 'schedule.resume', 'schedule.run', 'schedule.delete']);
    });

    it('the scheduler fires a due slot exactly once, even when two ticks race, and moves to the next slot', async () => {
      const s = (await post('/api/speed/schedules', probeSchedule({ name: 'race' }))).json();
      const slot = new Date(Date.parse(s.next_run_at));
      const now = new Date(slot.getTime() + 200);
      const fired = (await Promise.all([fireDueSchedules(t.ctx, now), fireDueSchedules(t.ctx, now), fireDueSchedules(t.ctx, now)])).flat().filter((r) => r.schedule_id === s.id);
      assert.equal(fired.length, 1);
      assert.equal((await fireDueSchedules(t.ctx, now)).filter((r) => r.schedule_id === s.id).length, 0);
      const runs = await runsOf(s.id);
      assert.equal(runs.length, 1);
      assert.match(runs[0]!.timeline[0]!.note!, new RegExp(`scheduled by "race" for ${slot.toISOString()}`));
      const after = (await t.app.inject({ url: `/api/speed/schedules/${s.id}`, headers: t.as('viewer') })).json();
      assert.equal(Date.parse(after.next_run_at), slot.getTime() + 60_000);
      assert.equal(after.last_run.id, runs[0]!.id);
    });

    it('slots missed while no worker ran fire once, and the timeline says so', async () => {
      const s = (await post('/api/speed/schedules', probeSchedule({ name: 'missed' }))).json();
      const slot = Date.parse(s.next_run_at);
      const now = new Date(slot + 5 * 60_000 + 1000);
      assert.equal((await fireDueSchedules(t.ctx, now)).filter((r) => r.schedule_id === s.id).length, 1);
      assert.equal((await fireDueSchedules(t.ctx, now)).filter((r) => r.schedule_id === s.id).length, 0);
      const [run] = await runsOf(s.id);
      assert.match(run!.timeline[0]!.note!, /5 later slots missed while no worker was running, fired once/);
      const after = (await t.app.inject({ url: `/api/speed/schedules/${s.id}`, headers: t.as('viewer') })).json();
      assert.equal(Date.parse(after.next_run_at), slot + 6 * 60_000);
    });

    it('does not fire a paused schedule nor one whose agent is retired', async () => {
      const other = await registerTestAgent(t.ctx, 'BRANCH-9');
      const paused = (await post('/api/speed/schedules', probeSchedule({ name: 'paused', paused: true }))).json();
      const retired = (await post('/api/speed/schedules', probeSchedule({ name: 'retired', agent: 'BRANCH-9' }))).json();
      await t.ctx.db.query('UPDATE agents SET retired_at = now() WHERE id = $1', [other.agentId]);
      const later = new Date(Date.now() + 3 * 60_000);
      const fired = await fireDueSchedules(t.ctx, later);
      assert.equal(fired.filter((r) => r.schedule_id === paused.id || r.schedule_id === retired.id).length, 0);
    });

    it('maintenance windows: 400 naming the field for bad ones; one-off and recurring listed with whether open', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'x', cron: '0 2 * *', duration_seconds: 60 }, 'cron'],
        [{ name: 'x', cron: '0 0 2 * * 0', duration_seconds: 60 }, 'cron'],
        [{ name: 'x', cron: '99 2 * * *', duration_seconds: 60 }, 'cron'],
        [{ name: 'x', cron: '0 2 * * *' }, 'duration_seconds'],
        [{ name: 'x', cron: '0 2 * * *', duration_seconds: 60, timezone: 'Mars/Base' }, 'timezone'],
        [{ name: 'x', starts_at: '2026-01-01T00:00:00Z' }, 'ends_at'],
        [{ name: 'x', starts_at: '2026-01-02T00:00:00Z', ends_at: '2026-01-01T00:00:00Z' }, 'ends_at'],
        [{ name: 'x' }, 'starts_at'],
        [{ name: 'x', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-02T00:00:00Z', cron: '0 2 * * *', duration_seconds: 60 }, 'cron'],
        [{ name: 'x', agent: 'NOPE', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-02T00:00:00Z' }, 'agent'],
        [{ name: 'x', starts_at: 'yesterday', ends_at: '2026-01-02T00:00:00Z' }, 'starts_at'],
      ];
      for (const [payload, field] of cases) {
        const res = await post('/api/speed/maintenance', payload);
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} → ${res.body}`);
        assert.equal(res.json().field, field, res.body);
      }
      const weekly = await post('/api/speed/maintenance', { name: 'Sunday patching', cron: '0 2 * * 0', duration_seconds: 7200, timezone: 'Europe/Berlin', reason: 'OS updates' });
      assert.equal(weekly.statusCode, 201, weekly.body);
      assert.equal(weekly.json().agent, null);
      assert.ok(weekly.json().next_start_at);
      const past = await post('/api/speed/maintenance', { name: 'old works', agent: 'HQ-CORE', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-01T02:00:00Z' });
      assert.equal(past.statusCode, 201, past.body);
      assert.equal(past.json().agent.name, 'HQ-CORE');
      assert.equal(past.json().active, false);
      assert.equal((await post('/api/speed/maintenance', { name: 'x', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-02T00:00:00Z' }, 'viewer')).statusCode, 403);
      const patched = await t.app.inject({ method: 'PATCH', url: `/api/speed/maintenance/${past.json().id}`, headers: t.as('operator'), payload: { reason: 'fibre splice' } });
      assert.equal(patched.json().reason, 'fibre splice');
      const listed = (await t.app.inject({ url: '/api/speed/maintenance', headers: t.as('viewer') })).json();
      assert.deepEqual(listed.map((w: { name: string }) => w.name), ['Sunday patching', 'old works']);
      for (const w of listed) assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/maintenance/${w.id}`, headers: t.as('operator') })).statusCode, 204);
      assert.equal((await t.app.inject({ url: '/api/speed/maintenance', headers: t.as('viewer') })).json().length, 0);
    });

    it('inside a window: scheduled runs are skipped_maintenance naming it, the agent is MAINTENANCE, results are marked; then back', async () => {
      const s = (await post('/api/speed/schedules', probeSchedule({ name: 'windowed' }))).json();
      const start = new Date(Date.now() - 1000);
      const end = new Date(Date.now() + 10 * 60_000);
      const w = (await post('/api/speed/maintenance', { name: 'Core switch swap', agent: 'HQ-CORE', starts_at: start.toISOString(), ends_at: end.toISOString() })).json();
      assert.equal(w.active, true);
      assert.match((await isInMaintenance(t.ctx.db, agentId))!.reason, /Core switch swap/);

      await t.ctx.db.query("UPDATE agents SET state = 'ONLINE', last_seen_at = now() WHERE id = $1", [agentId]);
      assert.equal(await syncMaintenanceWindows(t.ctx), 1);
      const agent = (await t.app.inject({ url: '/api/speed/nodes/HQ-CORE', headers: t.as('viewer') })).json();
      assert.equal(agent.state, 'MAINTENANCE');
      assert.match(agent.reason, /Core switch swap/);

      const fired = (await fireDueSchedules(t.ctx, new Date(Date.parse(s.next_run_at) + 100))).filter((r) => r.schedule_id === s.id);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]!.status, 'skipped_maintenance');
      assert.match(fired[0]!.status_reason!, /maintenance window "Core switch swap"/);

      // An on-demand test still runs; its result is marked as measured in maintenance.
      const run = await createRun(t.ctx, { agentId, job: { kind: 'probe', spec: { target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 100 } }, target: '127.0.0.1:9/tcp', requestedBy: null, note: 'test' });
      await t.ctx.db.query("UPDATE runs SET status = 'running' WHERE id = $1", [run.id]);
      const now = new Date().toISOString();
      const outcome = await acceptResult(t.ctx, agentId, run.id, { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1', metrics: { latency_ms: 1 }, details: {}, method: {} });
      assert.equal(outcome.outcome, 'stored');
      const [stored] = await t.ctx.db.query<{ in_maintenance: boolean }>('SELECT in_maintenance FROM results WHERE run_id = $1', [run.id]);
      assert.equal(stored!.in_maintenance, true);

      // The window closes: the agent returns to the state its heartbeats give.
      await t.app.inject({ method: 'PATCH', url: `/api/speed/maintenance/${w.id}`, headers: t.as('operator'), payload: { ends_at: new Date(Date.now() - 10).toISOString(), starts_at: new Date(Date.now() - 5000).toISOString() } });
      assert.equal(await syncMaintenanceWindows(t.ctx), 1);
      const back = (await t.app.inject({ url: '/api/speed/nodes/HQ-CORE', headers: t.as('viewer') })).json();
      assert.equal(back.state, 'ONLINE');
      assert.match(back.reason, /ended/);
      assert.equal(await isInMaintenance(t.ctx.db, agentId), null);
    });
  });
}
