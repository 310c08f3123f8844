#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (TypeScript through tsx).
// Files under test/serial/ (measurements that need the CPU to themselves, shared system state)
// run one at a time after the others. Prints "N passed, N failed" last. With FLUX_REQUIRE_ALL=1
// a skipped test counts as a failure: CI must not hide a missing tool behind a skip.
//   npm test                      all tests
//   npm test -- test/agents src/db   only files under these paths
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

// The run happens in a process group of its own: whatever a test leaves behind (a file killed at
// its timeout leaves its servers, agents, iperf3 or nginx running) is killed with the group at
// the end, so it cannot hold ports or CPU for whatever runs next.
if (process.env.FLUX_TEST_GROUP !== '1') {
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', detached: true, env: { ...process.env, FLUX_TEST_GROUP: '1' } });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(signal));
  child.on('exit', (code, signal) => {
    killGroup('SIGKILL');
    process.exit(code ?? (signal ? 1 : 0));
  });
} else {
  await main();
}

async function main() {

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(find(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2).map((p) => path.resolve(p));
const all = ['src', 'test'].flatMap((d) => find(path.join(root, d))).sort();
const files = filters.length ? all.filter((f) => filters.some((p) => f === p || f.startsWith(p + path.sep))) : all;
const isSerial = (f) => f.includes(`${path.sep}test${path.sep}serial${path.sep}`);
const parallel = files.filter((f) => !isSerial(f));
const serial = files.filter(isSerial);

process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();
const requireAll = process.env.FLUX_REQUIRE_ALL === '1';
const counts = { passed: 0, failed: 0, skipped: 0 };
const skips = [];
const failures = [];

async function runBatch(batch, concurrency, timeoutMs) {
  if (batch.length === 0) return;
  const stream = run({ files: batch, concurrency, timeout: timeoutMs });
  stream.on('test:pass', (data) => {
    if (data.details?.type === 'suite') return;
    if (data.skip !== undefined || data.todo !== undefined) {
      counts.skipped++;
      skips.push(`${path.relative(root, data.file ?? '?')}: ${data.name} (${data.skip || data.todo})`);
    } else counts.passed++;
  });
  stream.on('test:fail', (data) => {
    if (data.details?.type === 'suite' && data.details?.error?.failureType === 'subtestsFailed') return;
    counts.failed++;
    failures.push(`${path.relative(root, data.file ?? '?')}: ${data.name}`);
  });
  await new Promise((resolve, reject) => {
    stream.compose(new spec()).on('data', (chunk) => process.stdout.write(chunk)).on('end', resolve).on('error', reject);
  });
}

const started = Date.now();
await runBatch(parallel, Number(process.env.TEST_CONCURRENCY ?? 3), 5 * 60_000);
await runBatch(serial, 1, 15 * 60_000);

if (skips.length) {
  console.log(`\nskipped (${skips.length}):`);
  for (const s of skips) console.log(`  - ${s}`);
}
if (requireAll && counts.skipped > 0) {
  console.log('FLUX_REQUIRE_ALL=1: every skipped test counts as failed');
  counts.failed += counts.skipped;
}
if (failures.length) {
  console.log(`\nfailed (${failures.length}):`);
  for (const f of failures) console.log(`  - ${f}`);
}
mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
writeFileSync(path.join(root, 'test-artifacts', 'summary.json'), JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 }));
if (counts.skipped && !requireAll) console.log(`\n${counts.skipped} skipped`);
console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
process.exitCode = counts.failed > 0 || (files.length === 0) ? 1 : 0;
}
