// The images' entrypoint and health checks when things are wrong: a database that does not answer
// (retried, then a stop with the reason), a configuration error (not retried), an agent's
// listener and an unreachable Redis as the health checks see them.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { freePort, tempDir, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { healthcheck, startEntrypoint } from './stack.js';

describe("the images' entrypoint and health checks when something is wrong", () => {
  const processes: FluxProcess[] = [];
  after(async () => {
    for (const proc of processes.reverse()) await proc.stop();
  });

  it('retries while the database is not reachable, then stops with the reason', async () => {
    const closed = await freePort();
    const proc = startEntrypoint('entrypoint-nodb', ['server'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/flux`, REDIS_URL: 'redis://127.0.0.1:1', MIGRATE_RETRIES: '2', DATA_DIR: tempDir('nodb') });
    const code = await proc.exited;
    assert.notEqual(code, 0);
    assert.match(proc.output(), /database not ready \(attempt 1\/2\)/);
    assert.match(proc.output(), /migrations failed \(exit \d+ after 2 attempt\(s\)\); not starting/);
    assert.match(proc.output(), /ECONNREFUSED/, 'the database error itself is shown');
  });

  it('does not retry a configuration error, and names the variable', async () => {
    const proc = startEntrypoint('entrypoint-badconfig', ['server'], { DATABASE_URL: 'mysql://nope', MIGRATE_RETRIES: '5', DATA_DIR: tempDir('bad') });
    assert.equal(await proc.exited, 2);
    assert.match(proc.output(), /DATABASE_URL/);
    assert.doesNotMatch(proc.output(), /attempt 1\//);
  });

  it('agent: the entrypoint runs the agent, and the agent image’s health check sees its listener', async () => {
    // A PATH with node and sh only: no iperf3 here, so no managed iperf3 server on the shared 5201.
    const bin = tempDir('agent-bin');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    const listen = await freePort();
    const closed = await freePort();
    const agent = startEntrypoint('entrypoint-agent', ['agent'], {
      PATH: bin, SPEED_SERVER_URL: `http://127.0.0.1:${closed}`, AGENT_NAME: 'HEALTH-01', AGENT_TOKEN: 'not-used-here', AGENT_DATA_DIR: tempDir('agent-data'), AGENT_LISTEN: `127.0.0.1:${listen}`,
    });
    processes.push(agent);
    await until(async () => {
      if (agent.child.exitCode !== null) throw new Error(`the agent exited:\n${agent.output()}`);
      return (await healthcheck(['agent'], { AGENT_LISTEN: `127.0.0.1:${listen}` })).code === 0;
    }, { timeoutMs: 30_000, what: 'the agent health check to pass' });
    await agent.stop();
    const down = await healthcheck(['agent'], { AGENT_LISTEN: `127.0.0.1:${listen}` });
    assert.equal(down.code, 1, 'and fails once the agent is gone');
    assert.match(down.output, /^unhealthy: /m);
  });

  it('the worker health check reports an unreachable Redis', async () => {
    const closed = await freePort();
    const answer = await healthcheck(['backends'], { DATABASE_URL: TEST_DATABASE_URL ?? `postgres://postgres@127.0.0.1:${closed}/x`, REDIS_URL: `redis://127.0.0.1:${closed}` });
    assert.equal(answer.code, 1);
    assert.match(answer.output, /^unhealthy: /m);
  });
});
