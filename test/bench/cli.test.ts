// `flux-speed bench` refuses what it cannot run, saying why, before measuring anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bench = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/flux-speed.js'), 'bench', ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 });

describe('flux-speed bench', () => {
  it('names the known scenarios when given an unknown one', () => {
    const run = bench(['ingest', 'nosuch', '--output', '/dev/null']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /unknown scenario nosuch; known: ingest, fleet, scheduler, queries, engine, embedded/);
  });

  it('names the variable when a setting is wrong', () => {
    const run = bench(['ingest'], { BENCH_INGEST_S: '0' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /BENCH_INGEST_S: must be a whole number ≥ 1/);
    const flag = bench(['fleet', '--fleet-sizes', 'many']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /BENCH_FLEET_SIZES/);
  });
});
