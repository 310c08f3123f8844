import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackendUnavailable } from './unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isBackendUnavailable', () => {
  const cases: [string, unknown, boolean][] = [
    ['connection refused', withCode('ECONNREFUSED'), true],
    ['PostgreSQL shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command'), true],
    ['PostgreSQL starting up (57P03)', withCode('57P03', 'the database system is starting up'), true],
    ['connection exception class 08', withCode('08006'), true],
    ['pg pool: connection terminated', new Error('Connection terminated unexpectedly'), true],
    ['pg pool: connect timeout', new Error('timeout exceeded when trying to connect'), true],
    ['ioredis: closed', new Error('Connection is closed.'), true],
    ['wrapped in a cause', new Error('query failed', { cause: withCode('ECONNRESET') }), true],
    ['AggregateError of refusals', Object.assign(new AggregateError([withCode('ECONNREFUSED')]), {}), true],
    ['a unique violation is a bug or a conflict, not an outage', withCode('23505', 'duplicate key'), false],
    ['a syntax error is a bug', withCode('42601', 'syntax error'), false],
    ['a plain error', new Error('boom'), false],
    ['not an error', 'nope', false],
  ];
  for (const [name, error, expected] of cases) it(name, () => assert.equal(isBackendUnavailable(error), expected));
});
