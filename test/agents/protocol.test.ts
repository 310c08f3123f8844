// The agent protocol against the real server over real sockets: registration, hello, states,
// dispatch, results exactly once, and hostile messages.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { createRegistrationToken } from '../../src/agents/registration.js';
import { createRun, cancelRun } from '../../src/runs/service.js';
import type { MeasurementJob, MeasurementResult } from '../../src/measurements/job.js';
import { appBackends, type TestApp } from '../helpers/app.js';
import { ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { until } from '../helpers/wait.js';

const probeJob: MeasurementJob = { kind: 'probe', spec: { target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 1000 } };

function result(overrides: Partial<MeasurementResult> = {}): MeasurementResult {
  const now = new Date().toISOString();
  return { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1', metrics: { connect_ms: 0.42 }, details: { state: 'open' }, method: { engine: 'probe' }, ...overrides };
}

for (const backend of appBackends()) {
  describe(`agent protocol: ${backend.name}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let token: string;

    before(async () => {
      t = await backend.open();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address() as { port: number };
      baseUrl = `http://127.0.0.1:${address.port}`;
      token = (await createRegistrationToken(t.ctx.db, { name: 'test', createdBy: null, expiresAt: null })).secret;
    });
    after(() => t.close());

    const nodes = async () => (await t.app.inject({ url: '/api/speed/nodes', headers: t.as('viewer') })).json() as { name: string; state: string; reason: string; id: string; capabilities: Record<string, unknown>; version: string; location: string }[];

    it('registers with a token, connects, says hello and shows ONLINE with its capabilities', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'HQ-CORE', 'Dallas, TX');
      assert.equal(reg.status, 201);
      assert.match(reg.body.credential, /^fsa_/);
      const before = (await nodes()).find((n) => n.name === 'HQ-CORE');
      assert.equal(before?.state, 'NEVER_CONNECTED');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      const welcome = await client.hello({ version: '9.9.9', capabilities: { iperf3: { present: true, version: 'iperf 3.12' }, mtr: { present: true, raw_sockets: true }, ipv6: { loopback: true, global: false, addresses: [] } } });
      assert.equal(welcome.name, 'HQ-CORE');
      assert.equal(welcome.heartbeat_s, 15);
      const node = await until(async () => (await nodes()).find((n) => n.name === 'HQ-CORE' && n.state === 'ONLINE'));
      assert.equal(node.version, '9.9.9');
      assert.equal(node.location, 'Dallas, TX');
      assert.deepEqual(node.capabilities, { iperf3: { present: true, version: 'iperf 3.12' }, mtr: { present: true, raw_sockets: true }, ipv6: { loopback: true, global: false, addresses: [] } });
      client.close();
    });

    it('refuses a bad registration token and a revoked one with a clear reason', async () => {
      const bad = await registerAgentOverHttp(baseUrl, 'not-a-token', 'X1');
      assert.equal(bad.status, 401);
      assert.match(bad.body.message!, /not recognised/);
      const created = await t.app.inject({ method: 'POST', url: '/api/speed/agent-tokens', headers: t.as('admin'), payload: { name: 'to revoke' } });
      assert.equal(created.statusCode, 201);
      assert.match(created.json().docker_run, /AGENT_TOKEN=fsr_/);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/agent-tokens/${created.json().id}`, headers: t.as('admin') })).statusCode, 204);
      const revoked = await registerAgentOverHttp(baseUrl, created.json().token, 'X2');
      assert.equal(revoked.status, 401);
      assert.match(revoked.body.message!, /revoked/);
      const badName = await registerAgentOverHttp(baseUrl, token, '-oProxyCommand=x');
      assert.equal(badName.status, 400);
    });

    it('refuses a WebSocket without a valid credential', async () => {
      await assert.rejects(ProtocolClient.connect(baseUrl, 'fsa_not-a-credential'), /HTTP 401/);
      await assert.rejects(ProtocolClient.connect(baseUrl, t.jwt.admin), /HTTP 403/, 'a user session is not an agent');
    });

    it('dispatches a queued run, relays progress, and stores the result exactly once', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'BRANCH-01');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      const run = await createRun(t.ctx, { agentId: reg.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: t.userIds.operator, note: 'test' });
      const job = await client.next('job', { where: (m) => m.run_id === run.id });
      assert.deepEqual(job.job, probeJob);
      assert.equal(job.exclusive, false);
      client.send({ type: 'ack', run_id: run.id });
      client.send({ type: 'started', run_id: run.id, started_at: new Date().toISOString() });
      client.send({ type: 'progress', run_id: run.id, progress: { phase: 'probe', elapsed_ms: 10, message: 'connecting' } });
      await until(async () => (await t.app.inject({ url: `/api/speed/results/${run.id}`, headers: t.as('viewer') })).json().status === 'running');
      client.send({ type: 'result', run_id: run.id, result: result() });
      assert.equal((await client.next('result_ack', { where: (m) => m.run_id === run.id })).outcome, 'stored');
      client.received.length = 0;
      client.send({ type: 'result', run_id: run.id, result: result({ metrics: { connect_ms: 99 } }) });
      assert.equal((await client.next('result_ack')).outcome, 'duplicate', 'a resend is acknowledged, not stored again');

      const detail = (await t.app.inject({ url: `/api/speed/results/${run.id}`, headers: t.as('viewer') })).json();
      assert.equal(detail.status, 'completed');
      assert.deepEqual(detail.metrics, { connect_ms: 0.42 });
      assert.deepEqual(detail.timeline.map((s: { status: string }) => s.status), ['queued', 'dispatched', 'running', 'completed']);
      for (const step of detail.timeline) assert.ok(!Number.isNaN(Date.parse(step.at)));
      const count = await t.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM results WHERE run_id = $1', [run.id]);
      assert.equal(count[0]!.n, 1);
      client.close();
    });

    it('results sent back to back are each acknowledged once, without waiting for one another', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'BRANCH-BURST');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      const runs: string[] = [];
      for (let i = 0; i < 20; i++) runs.push((await createRun(t.ctx, { agentId: reg.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: null, note: 'test' })).id);
      await until(() => runs.every((id) => client.received.some((m) => m.type === 'job' && m.run_id === id)), { what: 'every job dispatched' });
      // A backlog after an outage, as the agent uploads it: oldest first, acks awaited later; one resend.
      for (const [i, id] of runs.entries()) client.send({ type: 'result', run_id: id, result: result({ metrics: { connect_ms: i } }) });
      client.send({ type: 'result', run_id: runs[0]!, result: result({ metrics: { connect_ms: 99 } }) });
      const acks = () => client.received.filter((m): m is Extract<typeof m, { type: 'result_ack' }> => m.type === 'result_ack');
      await until(() => acks().length === 21, { what: '21 acknowledgements' });
      assert.deepEqual(runs.map((id) => acks().filter((a) => a.run_id === id && a.outcome === 'stored').length), runs.map(() => 1), 'each run stored once');
      assert.equal(acks().filter((a) => a.outcome === 'duplicate').length, 1);
      const stored = await t.ctx.db.query<{ connect_ms: number }>('SELECT connect_ms FROM results WHERE run_id = ANY($1::uuid[]) ORDER BY connect_ms', [runs]);
      assert.deepEqual(stored.map((r) => r.connect_ms), runs.map((_, i) => i));
      if (t.ctx.db.kind === 'postgres') {
        // Rows written by one transaction share its id (xmin): the burst did not go one commit at a time.
        const [tx] = await t.ctx.db.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM results WHERE run_id = ANY($1::uuid[])', [runs]);
        assert.ok(tx!.n < 20, `${tx!.n} transactions for 20 results`);
      }
      client.close();
    });

    it('rejects results for another agent’s run and for unknown runs, and closes after repeated garbage', async () => {
      const a = await registerAgentOverHttp(baseUrl, token, 'AGENT-A');
      const b = await registerAgentOverHttp(baseUrl, token, 'AGENT-B');
      const clientA = await ProtocolClient.connect(baseUrl, a.body.credential);
      const clientB = await ProtocolClient.connect(baseUrl, b.body.credential);
      await clientA.hello();
      await clientB.hello();
      const run = await createRun(t.ctx, { agentId: a.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: null, note: 'test' });
      await clientA.next('job');
      clientB.send({ type: 'result', run_id: run.id, result: result() });
      const foreign = await clientB.next('result_ack');
      assert.equal(foreign.outcome, 'rejected');
      assert.match(foreign.reason!, /another agent/);
      clientB.send({ type: 'result', run_id: '00000000-0000-4000-8000-000000000000', result: result() });
      assert.match((await clientB.next('result_ack', { where: (m) => m.run_id.startsWith('00000000') })).reason!, /unknown run/);
      clientB.send({ type: 'progress', run_id: run.id, progress: { phase: 'x', elapsed_ms: 1 } });
      assert.match((await clientB.next('error')).message, /not yours/);
      const [stillQueued] = await t.ctx.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [run.id]);
      assert.equal(stillQueued!.status, 'dispatched', 'the foreign result changed nothing');

      clientB.sendRaw('{not json');
      clientB.sendRaw(JSON.stringify({ type: 'result', run_id: run.id, result: { kind: 'probe' } }));
      clientB.sendRaw(JSON.stringify({ type: 'teleport' }));
      clientB.sendRaw(JSON.stringify({ type: 'ack', run_id: 'nope' }));
      const closed = await clientB.waitClosed();
      assert.equal(closed.code, 4400);
      const errors = clientB.received.filter((m) => m.type === 'error').map((m) => (m as { message: string }).message);
      assert.ok(errors.some((m) => /not JSON/.test(m)));
      assert.ok(errors.some((m) => /invalid result/.test(m)));
      assert.ok(errors.some((m) => /unknown message type "teleport"/.test(m)));
      // The server is unharmed: agent A still works.
      clientA.send({ type: 'result', run_id: run.id, result: result() });
      assert.equal((await clientA.next('result_ack', { where: (m) => m.run_id === run.id })).outcome, 'stored');
      clientA.close();
    });

    it('out-of-order and replayed messages change nothing and are answered with the reason', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'UNRULY-01');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      const run = await createRun(t.ctx, { agentId: reg.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: null, note: 'test' });
      // Anything before hello is refused, and dispatches nothing.
      client.send({ type: 'result', run_id: run.id, result: result() });
      assert.match((await client.next('error')).message, /hello expected first/);
      await client.hello();
      await client.next('job', { where: (m) => m.run_id === run.id });
      client.received.length = 0;
      client.sendRaw(JSON.stringify({ type: 'hello', protocol: 1, version: '1', capabilities: {}, sent_at: new Date().toISOString() }));
      assert.match((await client.next('error')).message, /hello sent twice/);
      // A result before started/progress is fine (the agent may have been offline); it is stored once.
      client.send({ type: 'result', run_id: run.id, result: result() });
      assert.equal((await client.next('result_ack', { where: (m) => m.run_id === run.id })).outcome, 'stored');
      // Then: progress and started for the finished run are refused; a replayed result is a duplicate.
      client.received.length = 0;
      client.send({ type: 'progress', run_id: run.id, progress: { phase: 'late', elapsed_ms: 1 } });
      assert.match((await client.next('error')).message, /not yours or not active/);
      client.send({ type: 'started', run_id: run.id, started_at: new Date().toISOString() });
      assert.match((await client.next('error', { where: (m) => /^started/.test(m.message) })).message, /started for a run that is not yours or not active/);
      client.send({ type: 'result', run_id: run.id, result: result({ metrics: { connect_ms: 123 } }) });
      assert.equal((await client.next('result_ack', { where: (m) => m.run_id === run.id })).outcome, 'duplicate');
      const detail = (await t.app.inject({ url: `/api/speed/results/${run.id}`, headers: t.as('viewer') })).json();
      assert.equal(detail.status, 'completed');
      assert.deepEqual(detail.metrics, { connect_ms: 0.42 }, 'the replay changed nothing');
      assert.equal(detail.timeline.filter((s: { status: string }) => s.status === 'completed').length, 1);
      client.close();
    });

    it('closes a connection that sends an oversized message', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'BIG-MOUTH');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      client.sendRaw('x'.repeat(5 * 1024 * 1024));
      assert.equal((await client.waitClosed()).code, 1009);
      assert.equal((await t.app.inject('/healthz')).statusCode, 200);
    });

    it('an Operator cancels a dispatched run and the agent is told', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'CANCEL-ME');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      const run = await createRun(t.ctx, { agentId: reg.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: null, note: 'test' });
      await client.next('job');
      const denied = await t.app.inject({ method: 'POST', url: `/api/speed/results/${run.id}/cancel`, headers: t.as('viewer') });
      assert.equal(denied.statusCode, 403);
      const canceled = await t.app.inject({ method: 'POST', url: `/api/speed/results/${run.id}/cancel`, headers: t.as('operator') });
      assert.equal(canceled.statusCode, 200);
      assert.equal(canceled.json().status, 'canceled');
      assert.equal((await client.next('cancel')).run_id, run.id);
      client.send({ type: 'result', run_id: run.id, result: result() });
      assert.equal((await client.next('result_ack')).outcome, 'rejected');
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/speed/results/${run.id}/cancel`, headers: t.as('operator') })).statusCode, 409);
      await assert.rejects(cancelRun(t.ctx, run.id, 'x'));
      client.close();
    });

    it('MAINTENANCE (set by an Operator) suppresses dispatch: runs are skipped, not sent', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'MAINT-01');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      const set = await t.app.inject({ method: 'PATCH', url: '/api/speed/nodes/MAINT-01', headers: t.as('operator'), payload: { maintenance: true, maintenance_reason: 'fibre works' } });
      assert.equal(set.statusCode, 200);
      assert.equal(set.json().state, 'MAINTENANCE');
      assert.match(set.json().reason, /fibre works/);
      const run = await createRun(t.ctx, { agentId: reg.body.agent_id, job: probeJob, target: '127.0.0.1', requestedBy: null, note: 'test' });
      assert.equal(run.status, 'skipped_maintenance');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(client.received.filter((m) => m.type === 'job').length, 0);
      const unset = await t.app.inject({ method: 'PATCH', url: '/api/speed/nodes/MAINT-01', headers: t.as('operator'), payload: { maintenance: false } });
      assert.equal(unset.json().state, 'ONLINE');
      const history = (await t.app.inject({ url: '/api/speed/nodes/MAINT-01', headers: t.as('viewer') })).json().state_history;
      assert.deepEqual(history.map((h: { to_state: string }) => h.to_state), ['ONLINE', 'MAINTENANCE', 'ONLINE']);
      client.close();
    });

    it('retiring an agent closes its socket and its credential is refused as revoked', async () => {
      const reg = await registerAgentOverHttp(baseUrl, token, 'OLD-BOX');
      const client = await ProtocolClient.connect(baseUrl, reg.body.credential);
      await client.hello();
      assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/speed/nodes/OLD-BOX', headers: t.as('operator') })).statusCode, 403);
      assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/speed/nodes/OLD-BOX', headers: t.as('admin') })).statusCode, 204);
      assert.equal((await client.waitClosed()).code, 4403);
      const response = await fetch(`${baseUrl}/api/agent/ws`, { headers: { authorization: `Bearer ${reg.body.credential}` } });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, 'credential_revoked');
      assert.ok(!(await (await t.app.inject({ url: '/api/speed/nodes', headers: t.as('viewer') })).json()).some((n: { name: string }) => n.name === 'OLD-BOX'));
      // A replaced box registering under the same name with a valid token starts a new agent.
      const again = await registerAgentOverHttp(baseUrl, token, 'OLD-BOX');
      assert.equal(again.status, 201);
      assert.notEqual(again.body.agent_id, reg.body.agent_id);
    });

    it('re-registering a live name takes the agent over: same id and history, old credential dead', async () => {
      const first = await registerAgentOverHttp(baseUrl, token, 'SWAPPED');
      const second = await registerAgentOverHttp(baseUrl, token, 'swapped');
      assert.equal(second.status, 201);
      assert.equal(second.body.agent_id, first.body.agent_id);
      await assert.rejects(ProtocolClient.connect(baseUrl, first.body.credential), /HTTP 401/);
      (await ProtocolClient.connect(baseUrl, second.body.credential)).close();
    });
  });
}
