import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { findNul } from './nul-guard.js';

describe('findNul', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['clean body', { agent: 'HQ', resolvers: ['1.1.1.1'], n: 3, ok: true, none: null }, undefined],
    ['top-level field', { target: 'a\u0000b' }, 'target'],
    ['array element', { resolvers: ['1.1.1.1', 'x\u0000'] }, 'resolvers.1'],
    ['nested object', { thresholds: { note: '\u0000' } }, 'thresholds.note'],
    ['in a key', { 'ev\u0000il': 1 }, 'evil'],
    ['a bare string body', 'x\u0000', '(body)'],
    ['not a body', undefined, undefined],
    ['a raw upload body (bytes, not text)', Buffer.from([0, 1, 0, 2]), undefined],
    ['a streamed upload body', Readable.from([Buffer.alloc(1024)]), undefined],
    ['a query object without a prototype', Object.assign(Object.create(null) as object, { q: '\u0000' }), 'q'],
  ];
  for (const [name, value, expected] of cases) it(name, () => assert.equal(findNul(value), expected));
});
