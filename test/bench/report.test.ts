// BENCHMARKS.md is shared: the bench rewrites only the sections it measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSections, splitSections } from '../../bench/report.js';
import type { Section } from '../../bench/section.js';
import { quantile } from '../../bench/stats.js';

const section = (heading: string, value: string): Section => ({ heading, intro: `${heading} intro`, columns: ['a', 'b'], rows: [['x', value]], notes: [] });

describe('BENCHMARKS.md writer', () => {
  it('creates the document with a title when there is none', () => {
    const text = mergeSections('', [section('Ingest', '1')]);
    assert.match(text, /^# Benchmarks\n/);
    assert.match(text, /## Ingest\n\nIngest intro\n\n\| a \| b \|\n\|---\|---\|\n\| x \| 1 \|/);
  });

  it('replaces its own sections in place and leaves History and hand-written sections untouched', () => {
    const existing = [
      '# Benchmarks', '', 'Our intro.', '',
      '## Ingest', '', 'old figures', '',
      '## Analysis', '', 'Hand-written: the bottleneck is X.', '```', '## not a heading inside a fence', '```', '',
      '## History', '', '| query | ms |', '|---|---|', '| trend 12 months | 42 |', '',
    ].join('\n');
    const text = mergeSections(existing, [section('Ingest', '2'), section('Fleet', '3')]);
    const { preamble, sections } = splitSections(text);
    assert.match(preamble, /Our intro\./);
    assert.deepEqual(sections.map((s) => s.heading), ['Ingest', 'Analysis', 'Fleet', 'History']);
    assert.doesNotMatch(text, /old figures/);
    assert.match(sections[0]!.body, /\| x \| 2 \|/);
    assert.equal(sections[1]!.body.trim(), splitSections(existing).sections[1]!.body.trim());
    assert.equal(sections[3]!.body.trim(), splitSections(existing).sections[2]!.body.trim());
  });

  it('a second run with the same sections changes nothing else', () => {
    const once = mergeSections('', [section('Ingest', '1'), section('Fleet', '2')]);
    assert.equal(mergeSections(once, [section('Ingest', '1')]), once);
  });
});

describe('quantile', () => {
  it('is nearest-rank and NaN for no values', () => {
    assert.equal(quantile([5, 1, 3, 2, 4], 0.5), 3);
    assert.equal(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99), 99);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});
