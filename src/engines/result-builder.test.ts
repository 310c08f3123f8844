import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineContext } from '../../test/helpers/engine-context.js';
import { neverThrows, roundMs, startResult } from './result-builder.js';

test('an engine that throws returns a failed result naming the engine', async () => {
  const engine = neverThrows('probe', (spec) => spec.target, async () => {
    throw new Error('boom');
  });
  const result = await engine({ target: 'db', port: 1, protocol: 'tcp', timeout_ms: 1 }, engineContext());
  assert.equal(result.status, 'failed');
  assert.equal(result.kind, 'probe');
  assert.equal(result.target, 'db');
  assert.equal(result.error, 'the probe engine failed unexpectedly: boom');
});

test('results carry both timestamps and no error when completed', () => {
  const result = startResult('dns', 'x').completed({ resolve_ms: 1 }, {}, {});
  assert.equal(result.status, 'completed');
  assert.equal('error' in result, false);
  assert.ok(Date.parse(result.finished_at) >= Date.parse(result.started_at));
});

test('roundMs keeps microseconds', () => assert.deepEqual([0.1234567, 12.0004, 3].map(roundMs), [0.123, 12, 3]));
