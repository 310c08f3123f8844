// Fault: an agent whose clock is 5 minutes behind (the real agent process under libfaketime).
// Its results must be stored on the server's clock (corrected, with the correction recorded),
// and the agent shown DEGRADED with a clock reason.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { report } from './report.js';

const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p));
const SKEW_S = -300;

interface Node { name: string; state: string; reason: string }
interface RunDetail { status: string; started_at: string; finished_at: string; method: { clock_correction_ms?: number } }

describe('fault: agent clock 5 minutes off', LIBFAKETIME ? {} : { skip: 'libfaketime is not installed (apt-get install faketime)' }, () => {
  let server: FluxProcess;
  let agent: FluxProcess;
  let api: Api;
  let silent: dgram.Socket;

  before(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('clock-skew-server', ['all'], {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('clock-skew'), ADMIN_PASSWORD: 'admin-password-1', AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '60', LOCAL_AGENT: '',
    });
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'fault' })).body.token;
    agent = startFlux('clock-skew-agent', ['agent'], {
      SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'SKEWED', AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('clock-skew-agent'), AGENT_LISTEN: '',
      // The wall clock 5 minutes behind; timers (monotonic clock) untouched.
      LD_PRELOAD: LIBFAKETIME!, FAKETIME: `${SKEW_S}s`, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1',
    });
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    silent?.close();
  });

  it('stores results on the server’s clock and shows the agent DEGRADED with the clock reason', async () => {
    const startedAt = Date.now();
    const node = await until(async () => {
      const n = (await api.get<Node[]>('/api/speed/nodes')).body.find((x) => x.name === 'SKEWED');
      return n?.state === 'DEGRADED' ? n : undefined;
    }, { timeoutMs: 90_000, what: 'the agent DEGRADED' });
    assert.match(node.reason, /agent clock off by 300 s \(result times are corrected\)/);
    const flaggedAfterMs = Date.now() - startedAt;

    const requestedAt = Date.now();
    const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent: 'SKEWED', target: '127.0.0.1', port: silent.address().port, protocol: 'udp', timeout_ms: 2000 });
    assert.equal(res.status, 202);
    const run = await until(async () => {
      const r = (await api.get<RunDetail>(`/api/speed/results/${res.body.run_id}`)).body;
      return r.status === 'completed' ? r : undefined;
    }, { timeoutMs: 20_000, what: 'the run completed' });
    const doneAt = Date.now();
    const started = Date.parse(run.started_at);
    const finished = Date.parse(run.finished_at);
    // On the server's clock: inside the window the test saw, and the 2 s measurement kept whole
    // (uncorrected times would be 5 minutes early, clamped to the request time, with no duration).
    assert.ok(started >= requestedAt - 1000 && finished <= doneAt + 1000, `times on the server clock: ${run.started_at} .. ${run.finished_at}`);
    assert.ok(finished - started >= 1500, `the measured duration is kept (${finished - started} ms)`);
    const correction = run.method.clock_correction_ms!;
    assert.ok(Math.abs(correction + SKEW_S * 1000) < 2000, `the correction is recorded on the result (${correction} ms)`);

    report('agent clock 5 minutes off', {
      done: 'agent process run under libfaketime with its wall clock 300 s behind the server',
      lost: `nothing: result stored on the server clock, correction ${correction} ms recorded in its method`,
      recovery: `agent flagged DEGRADED ("agent clock off by 300 s") ${flaggedAfterMs} ms after it started`,
    });
  });
});
