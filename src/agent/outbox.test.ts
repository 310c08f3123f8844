import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MeasurementResult } from '../measurements/job.js';
import { Outbox } from './outbox.js';

const result = (n: number): MeasurementResult => ({ kind: 'probe', status: 'completed', started_at: new Date(n).toISOString(), finished_at: new Date(n).toISOString(), target: `t${n}`, metrics: { connect_ms: n }, details: {}, method: {} });
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('Outbox', () => {
  it('keeps results across restarts, in the order they were written', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    const first = new Outbox(dir, 100);
    for (const n of [3, 1, 2]) first.put(id(n), result(n));
    const reopened = new Outbox(dir, 100);
    assert.deepEqual(reopened.entries().map((e) => e.run_id), [id(3), id(1), id(2)]);
    reopened.remove(id(1));
    reopened.put(id(4), result(4));
    assert.deepEqual(new Outbox(dir, 100).entries().map((e) => e.run_id), [id(3), id(2), id(4)]);
  });

  it('writing the same run twice keeps one entry', () => {
    const box = new Outbox(mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 100);
    box.put(id(1), result(1));
    box.put(id(1), result(1));
    assert.equal(box.size, 1);
  });

  it('when full, drops the oldest and counts what it dropped', () => {
    const box = new Outbox(mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 10);
    for (let n = 1; n <= 13; n++) box.put(id(n), result(n));
    assert.equal(box.size, 10);
    assert.equal(box.dropped, 3);
    assert.equal(box.entries()[0]!.run_id, id(4));
  });

  it('when the disk cannot be written, keeps results in memory, says why, and never throws', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    const box = new Outbox(dir, 10);
    box.put(id(1), result(1));
    // The buffer directory replaced by a file: every write fails (as on a full or read-only disk).
    rmSync(path.join(dir, 'outbox'), { recursive: true });
    writeFileSync(path.join(dir, 'outbox'), '');
    box.put(id(2), result(2));
    box.put(id(3), result(3));
    assert.equal(box.size, 3);
    assert.ok(box.has(id(3)));
    assert.match(box.bufferError!, /cannot write .*outbox: ENOTDIR \(2 results held in memory only\)/);
    assert.deepEqual(box.runIds(), [id(1), id(2), id(3)]);
    box.recheck();
    assert.match(box.bufferError!, /ENOTDIR/, 'still broken');
    // Room again: the results held in memory go to disk and the error clears.
    rmSync(path.join(dir, 'outbox'));
    mkdirSync(path.join(dir, 'outbox'));
    box.recheck();
    assert.equal(box.bufferError, undefined);
    assert.equal(new Outbox(dir, 10).size, 2, 'both held results are on disk now');
  });

  it('ignores half-written temporary files and removes corrupt entries', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
    const box = new Outbox(dir, 10);
    box.put(id(1), result(1));
    writeFileSync(path.join(dir, 'outbox', `000000000002-${id(2)}.json.tmp`), '{"half');
    writeFileSync(path.join(dir, 'outbox', `000000000003-${id(3)}.json`), '{"corrupt');
    const reopened = new Outbox(dir, 10);
    assert.deepEqual(reopened.entries().map((e) => e.run_id), [id(1)]);
    assert.deepEqual(readdirSync(path.join(dir, 'outbox')), [`000000000001-${id(1)}.json`]);
  });
});
