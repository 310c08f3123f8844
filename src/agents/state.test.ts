import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAgentState, type StateInputs } from './state.js';

const now = Date.parse('2026-11-21T12:00:00Z');
const base: StateInputs = { maintenance: false, maintenanceReason: null, lastSeenAt: new Date(now - 5_000), health: {}, nowMs: now, offlineAfterMs: 120_000 };

describe('evaluateAgentState', () => {
  const cases: [string, Partial<StateInputs>, string, RegExp][] = [
    ['fresh heartbeat', {}, 'ONLINE', /heartbeat current/],
    ['never seen', { lastSeenAt: null }, 'NEVER_CONNECTED', /never connected/],
    ['silent just under the threshold', { lastSeenAt: new Date(now - 119_000) }, 'ONLINE', /current/],
    ['silent past the threshold', { lastSeenAt: new Date(now - 121_000) }, 'OFFLINE', /no heartbeat for 121 s \(threshold 120 s\)/],
    ['maintenance wins over offline', { maintenance: true, lastSeenAt: new Date(now - 999_000) }, 'MAINTENANCE', /set by an operator/],
    ['maintenance with a reason', { maintenance: true, maintenanceReason: 'fibre works' }, 'MAINTENANCE', /fibre works/],
    ['slow heartbeat', { health: { rtt_ms: 820 } }, 'DEGRADED', /heartbeat RTT 820 ms > 500 ms/],
    ['RTT at the limit is fine', { health: { rtt_ms: 500 } }, 'ONLINE', /current/],
    ['engine errors', { health: { recent_runs: 10, recent_engine_errors: 6 } }, 'DEGRADED', /6 of the last 10 runs failed/],
    ['too few runs to judge', { health: { recent_runs: 2, recent_engine_errors: 2 } }, 'ONLINE', /current/],
    ['clock off', { health: { clock_offset_ms: -300_000 } }, 'DEGRADED', /clock off by -300 s/],
    ['result buffer cannot be written', { health: { buffer_error: 'cannot write /data/outbox: ENOSPC (3 results held in memory only)' } }, 'DEGRADED', /result buffer: cannot write \/data\/outbox: ENOSPC/],
    ['result buffer overflowed', { health: { dropped_results: 4 } }, 'DEGRADED', /result buffer full: 4 results dropped/],
    ['offline beats degraded', { lastSeenAt: new Date(now - 200_000), health: { rtt_ms: 900 } }, 'OFFLINE', /no heartbeat/],
  ];
  for (const [name, inputs, state, reason] of cases) {
    it(name, () => {
      const verdict = evaluateAgentState({ ...base, ...inputs });
      assert.equal(verdict.state, state);
      assert.match(verdict.reason, reason);
    });
  }
});
