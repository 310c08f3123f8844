import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeWindows, cronError, nextOpening, timezoneError, type MaintenanceWindow } from './windows.js';

let nextId = 1;
const oneOff = (startsAt: string, endsAt: string, agent: string | null = null): MaintenanceWindow => ({
  id: nextId++, name: `once ${startsAt}`, agent_id: agent, starts_at: new Date(startsAt), ends_at: new Date(endsAt), cron: null, duration_seconds: null, timezone: 'UTC', reason: '',
});
const recurring = (cron: string, durationS: number, timezone = 'UTC'): MaintenanceWindow => ({
  id: nextId++, name: `${cron} ${timezone}`, agent_id: null, starts_at: null, ends_at: null, cron, duration_seconds: durationS, timezone, reason: '',
});

describe('activeWindows', () => {
  const berlinNine = recurring('0 9 * * *', 3600, 'Europe/Berlin');
  const nightly = recurring('0 23 * * *', 2 * 3600);
  const nyNight = recurring('30 22 * * *', 4 * 3600, 'America/New_York');
  const sundays = recurring('0 2 * * 0', 3 * 3600);
  const once = oneOff('2026-06-01T10:00:00Z', '2026-06-01T12:00:00Z');
  const cases: [string, MaintenanceWindow, string, boolean][] = [
    ['one-off: before it', once, '2026-06-01T09:59:59Z', false],
    ['one-off: at its start (inclusive)', once, '2026-06-01T10:00:00Z', true],
    ['one-off: inside', once, '2026-06-01T11:30:00Z', true],
    ['one-off: at its end (exclusive)', once, '2026-06-01T12:00:00Z', false],
    // Europe/Berlin is UTC+1 in winter and UTC+2 in summer: 09:00 local moves in UTC.
    ['Berlin 09:00 in winter is 08:00 UTC', berlinNine, '2026-01-15T08:30:00Z', true],
    ['Berlin 09:00 in winter: 07:30 UTC is before', berlinNine, '2026-01-15T07:30:00Z', false],
    ['Berlin 09:00 in summer is 07:00 UTC', berlinNine, '2026-07-15T07:30:00Z', true],
    ['Berlin 09:00 in summer: 08:30 UTC is after', berlinNine, '2026-07-15T08:30:00Z', false],
    ['Berlin: the day DST starts (29 March), 09:00 CEST = 07:00 UTC', berlinNine, '2026-03-29T07:15:00Z', true],
    ['Berlin: the day DST starts, 08:15 UTC is outside', berlinNine, '2026-03-29T08:15:00Z', false],
    ['Berlin: the day DST ends (25 October), 09:00 CET = 08:00 UTC', berlinNine, '2026-10-25T08:15:00Z', true],
    ['Berlin: the day DST ends, 07:15 UTC is outside', berlinNine, '2026-10-25T07:15:00Z', false],
    ['spanning midnight: 23:30 the same day', nightly, '2026-05-10T23:30:00Z', true],
    ['spanning midnight: 00:30 the next day', nightly, '2026-05-11T00:30:00Z', true],
    ['spanning midnight: 00:59:59 the next day', nightly, '2026-05-11T00:59:59Z', true],
    ['spanning midnight: 01:00 the next day is the end', nightly, '2026-05-11T01:00:00Z', false],
    ['spanning midnight: 22:59 is before', nightly, '2026-05-10T22:59:00Z', false],
    ['New York 22:30 + 4 h spans local midnight (EST: 03:30..07:30 UTC)', nyNight, '2026-01-16T06:00:00Z', true],
    ['New York after the window', nyNight, '2026-01-16T07:31:00Z', false],
    ['New York in summer (EDT: 02:30..06:30 UTC)', nyNight, '2026-07-16T02:45:00Z', true],
    ['New York in summer, 06:45 UTC is after', nyNight, '2026-07-16T06:45:00Z', false],
    ['weekly: Sunday 03:00', sundays, '2026-11-22T03:00:00Z', true],
    ['weekly: Monday 03:00', sundays, '2026-11-23T03:00:00Z', false],
  ];
  for (const [name, window, at, open] of cases) {
    it(name, () => {
      const found = activeWindows([window], new Date(at));
      assert.equal(found.length, open ? 1 : 0);
      if (open) assert.ok(found[0]!.start.getTime() <= Date.parse(at) && Date.parse(at) < found[0]!.end.getTime());
    });
  }

  it('reports every open window, in order, with its end', () => {
    const found = activeWindows([once, nightly, oneOff('2026-06-01T11:00:00Z', '2026-06-01T13:00:00Z')], new Date('2026-06-01T11:15:00Z'));
    assert.deepEqual(found.map((f) => f.end.toISOString()), ['2026-06-01T12:00:00.000Z', '2026-06-01T13:00:00.000Z']);
  });

  it('gives the next opening', () => {
    assert.equal(nextOpening(berlinNine, new Date('2026-07-15T10:00:00Z'))?.toISOString(), '2026-07-16T07:00:00.000Z');
    assert.equal(nextOpening(once, new Date('2026-06-01T11:00:00Z')), undefined);
  });
});

describe('window validation', () => {
  it('accepts 5-field cron expressions and rejects others', () => {
    assert.equal(cronError('0 2 * * 0'), undefined);
    assert.equal(cronError('*/15 1-3 * * mon-fri'), undefined);
    assert.match(cronError('0 0 2 * * 0')!, /5 fields/);
    assert.match(cronError('0 2 * *')!, /5 fields/);
    assert.match(cronError('61 2 * * *')!, /not a valid cron/);
  });
  it('knows IANA time zones', () => {
    assert.equal(timezoneError('Europe/Berlin'), undefined);
    assert.match(timezoneError('Mars/Olympus')!, /IANA/);
  });
});
