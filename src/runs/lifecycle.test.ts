import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, RUN_STATUSES, type RunStatus } from './lifecycle.js';

describe('run lifecycle', () => {
  const allowed: [RunStatus, RunStatus][] = [
    ['queued', 'dispatched'], ['dispatched', 'running'], ['running', 'completed'], ['running', 'failed'],
    ['dispatched', 'completed'], ['queued', 'canceled'], ['running', 'canceled'], ['queued', 'timed_out'],
    ['dispatched', 'timed_out'], ['running', 'timed_out'], ['timed_out', 'completed'], ['queued', 'skipped_maintenance'],
    ['dispatched', 'dispatched'],
  ];
  for (const [from, to] of allowed) it(`${from} → ${to}`, () => assert.equal(canTransition(from, to), true));

  it('never leaves completed, failed, canceled or skipped_maintenance', () => {
    for (const from of ['completed', 'failed', 'canceled', 'skipped_maintenance'] as const) {
      for (const to of RUN_STATUSES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });

  it('a timed-out run can only be completed or failed by a late result', () => {
    assert.deepEqual(RUN_STATUSES.filter((to) => canTransition('timed_out', to)), ['completed', 'failed']);
  });

  it('nothing goes back to queued', () => {
    for (const from of RUN_STATUSES) assert.equal(canTransition(from, 'queued'), false);
  });
});
