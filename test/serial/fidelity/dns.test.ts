// DNS fidelity: resolvers started in the server namespace answer after about 2, 10, 50 and
// 150 ms, and one never answers; the registered DNS engine in the client namespace must rate them
// EXCELLENT, GOOD, SLOW, CRITICAL, CRITICAL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResolverOutcome } from '../../../src/engines/dns/engine.js';
import { median, rateResolution } from '../../../src/engines/dns/rating.js';
import { runEngineIn, startNodeIn, type NsProcess } from '../../helpers/in-namespace.js';
import { createLineTopology, type LineTopology } from '../../helpers/netns.js';
import { requires } from '../../helpers/tools.js';

const ROUNDS = 7;
const RESOLVERS = [
  { port: 5301, delayMs: 2, rating: 'EXCELLENT' },
  { port: 5302, delayMs: 10, rating: 'GOOD' },
  { port: 5303, delayMs: 50, rating: 'SLOW' },
  { port: 5304, delayMs: 150, rating: 'CRITICAL' },
  { port: 5305, silent: true, rating: 'CRITICAL' },
];

describe('dns fidelity', requires('netns'), () => {
  let net: LineTopology;
  let servers: NsProcess;
  before(async () => {
    net = await createLineTopology();
    servers = await startNodeIn(net.server, 'test/helpers/dns-server-cli.ts', [JSON.stringify(RESOLVERS.map(({ port, delayMs, silent }) => ({ host: net.serverAddress, port, delayMs, silent })))]);
  });
  after(async () => {
    await servers?.stop();
    await net?.destroy();
  });

  // The agent's figure includes its host's scheduling: on a busy 2-core machine (other test
  // suites running) a 2 ms answer is now and then read as 5-10 ms, and under a load average of 10
  // a 50 ms one was once read as over 100 ms. The server's hold is exact and it reports it, so the
  // engine's own error is measured apart from the machine's noise. No answer may be read faster
  // than the server held it; the best of seven rounds must rate every resolver right; and the
  // smallest error must stay under 2.5 ms, which a systematic error (such as timing socket
  // set-up in a cold process, 2-3 ms) fails.
  test('seven rounds: each resolver gets the rating of its delay', async (t) => {
    const resolvers = RESOLVERS.map((r) => `${net.serverAddress}:${r.port}`);
    const times: number[][] = RESOLVERS.map(() => []);
    // Measured minus the server's real hold: what the agent adds (network RTT, its own scheduling).
    const errors: number[] = [];
    const heldBy = (i: number) => Number(servers.lines().filter((l) => l.startsWith(`held ${RESOLVERS[i]!.port} `)).at(-1)!.split(' ')[2]);
    for (let round = 1; round <= ROUNDS; round++) {
      const { result, wall_ms } = await runEngineIn(net.client, { kind: 'dns', spec: { hostname: 'api.internal.example.com', resolvers, record_type: 'A', timeout_ms: 1000 } });
      const outcomes = result.details.resolvers as ResolverOutcome[];
      assert.equal(outcomes[4]!.rating, 'CRITICAL');
      for (const [i, r] of RESOLVERS.entries()) {
        if (r.delayMs === undefined) continue;
        assert.deepEqual(outcomes[i]!.answers!.map((a) => a.data), ['192.0.2.10', '192.0.2.11']);
        // The server's own timer may fire a fraction of a millisecond early; what it really held
        // the answer for is checked just below.
        assert.ok(outcomes[i]!.response_ms! >= r.delayMs - 1, `${r.delayMs} ms server: measured ${outcomes[i]!.response_ms} ms`);
        times[i]!.push(outcomes[i]!.response_ms!);
        const error = outcomes[i]!.response_ms! - heldBy(i);
        assert.ok(error > 0, `measured ${outcomes[i]!.response_ms} ms, less than the server held it`);
        errors.push(error);
      }
      assert.equal(outcomes[4]!.reason, 'no answer within 1000 ms over UDP');
      // Concurrent queries: the whole run takes one timeout, not the sum.
      assert.ok(wall_ms < 1000 + 100, `took ${wall_ms} ms`);
      assert.ok(Math.abs(result.metrics.resolve_ms! - median(outcomes.slice(0, 4).map((o) => o.response_ms!))!) < 0.001, 'median of the four that answered');
      t.diagnostic(`fidelity dns round ${round}: ${outcomes.map((o, i) => `${RESOLVERS[i]!.delayMs ?? 'silent'}→${o.response_ms ?? '-'} ms ${o.rating}`).join(', ')}`);
    }
    for (const [i, r] of RESOLVERS.entries()) {
      if (r.delayMs === undefined) continue;
      const best = Math.min(...times[i]!);
      const middle = median(times[i]!)!;
      assert.equal(rateResolution(best), r.rating, `${r.delayMs} ms server: best of ${ROUNDS} ${best} ms`);
      t.diagnostic(`fidelity dns ${r.delayMs} ms server: median ${middle.toFixed(3)} ms (${rateResolution(middle)}), min ${best.toFixed(3)}, max ${Math.max(...times[i]!).toFixed(3)} → best ${rateResolution(best)}`);
    }
    errors.sort((a, b) => a - b);
    t.diagnostic(`fidelity dns measurement error (measured − server hold), ${errors.length} answers: median ${median(errors)!.toFixed(3)} ms, p90 ${errors[Math.floor(errors.length * 0.9)]!.toFixed(3)} ms, max ${errors.at(-1)!.toFixed(3)} ms`);
    assert.ok(errors[0]! < 2.5, `smallest error ${errors[0]} ms`);
  });
});
