import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from './delivery.js';
import { evaluate, ruleThresholds, type EvaluationInput } from './evaluate.js';

const base: EvaluationInput = { thresholds: {}, status: 'completed', metrics: {}, streaks: {}, baselines: {}, consecutiveFailures: 1 };

describe('threshold evaluation', () => {
  const cases: { name: string; input: Partial<EvaluationInput>; expect: Record<string, [string, number, boolean, boolean]> }[] = [
    { name: 'download below minimum breaches', input: { thresholds: { download_min_mbps: 800 }, metrics: { download_mbps: 412 } }, expect: { download_mbps: ['breach', 1, true, false] } },
    { name: 'download at minimum passes', input: { thresholds: { download_min_mbps: 800 }, metrics: { download_mbps: 800 } }, expect: { download_mbps: ['pass', 0, false, true] } },
    { name: 'upload below minimum breaches', input: { thresholds: { upload_min_mbps: 400 }, metrics: { upload_mbps: 399.9 } }, expect: { upload_mbps: ['breach', 1, true, false] } },
    { name: 'latency above maximum breaches', input: { thresholds: { latency_max_ms: 20 }, metrics: { latency_ms: 20.5 } }, expect: { latency_ms: ['breach', 1, true, false] } },
    { name: 'latency at maximum passes', input: { thresholds: { latency_max_ms: 20 }, metrics: { latency_ms: 20 } }, expect: { latency_ms: ['pass', 0, false, true] } },
    { name: 'jitter above maximum breaches', input: { thresholds: { jitter_max_ms: 10 }, metrics: { jitter_ms: 11 } }, expect: { jitter_ms: ['breach', 1, true, false] } },
    { name: 'loss above maximum breaches', input: { thresholds: { packet_loss_max_pct: 0.5 }, metrics: { loss_pct: 0.6 } }, expect: { loss_pct: ['breach', 1, true, false] } },
    { name: 'zero loss passes', input: { thresholds: { packet_loss_max_pct: 0.5 }, metrics: { loss_pct: 0 } }, expect: { loss_pct: ['pass', 0, false, true] } },
    { name: 'missing metric is not applicable and keeps the streak', input: { thresholds: { upload_min_mbps: 400 }, metrics: { download_mbps: 900 }, streaks: { upload_mbps: 2 } }, expect: { upload_mbps: ['not_applicable', 2, false, false] } },
    { name: 'failed result is not applicable', input: { thresholds: { download_min_mbps: 800 }, status: 'failed', metrics: {} }, expect: { download_mbps: ['not_applicable', 0, false, false] } },
    { name: 'second of three breaches does not fire', input: { thresholds: { download_min_mbps: 800 }, metrics: { download_mbps: 100 }, streaks: { download_mbps: 1 }, consecutiveFailures: 3 }, expect: { download_mbps: ['breach', 2, false, false] } },
    { name: 'third of three breaches fires', input: { thresholds: { download_min_mbps: 800 }, metrics: { download_mbps: 100 }, streaks: { download_mbps: 2 }, consecutiveFailures: 3 }, expect: { download_mbps: ['breach', 3, true, false] } },
    { name: 'a pass resets the streak', input: { thresholds: { download_min_mbps: 800 }, metrics: { download_mbps: 900 }, streaks: { download_mbps: 2 }, consecutiveFailures: 3 }, expect: { download_mbps: ['pass', 0, false, true] } },
    {
      name: 'below baseline × 0.7 breaches (reliable)',
      input: { thresholds: { baseline_deviation_pct: 30 }, metrics: { download_mbps: 690, upload_mbps: 300 }, baselines: { download_mbps: { value: 1000, reliable: true }, upload_mbps: { value: 400, reliable: true } } },
      expect: { 'baseline:download_mbps': ['breach', 1, true, false], 'baseline:upload_mbps': ['pass', 0, false, true] },
    },
    {
      name: 'an unreliable baseline never fires',
      input: { thresholds: { baseline_deviation_pct: 30 }, metrics: { download_mbps: 10 }, baselines: { download_mbps: { value: 1000, reliable: false } } },
      expect: { 'baseline:download_mbps': ['not_applicable', 0, false, false] },
    },
    { name: 'no baseline: not applicable', input: { thresholds: { baseline_deviation_pct: 30 }, metrics: { download_mbps: 10 } }, expect: { 'baseline:download_mbps': ['not_applicable', 0, false, false] } },
    {
      name: 'several limits at once, each on its own',
      input: { thresholds: { download_min_mbps: 800, upload_min_mbps: 400, latency_max_ms: 20, packet_loss_max_pct: 0.5 }, metrics: { download_mbps: 900, upload_mbps: 100, latency_ms: 30, loss_pct: 0 } },
      expect: { download_mbps: ['pass', 0, false, true], upload_mbps: ['breach', 1, true, false], latency_ms: ['breach', 1, true, false], loss_pct: ['pass', 0, false, true] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdicts = evaluate({ ...base, ...c.input });
      const got = Object.fromEntries(verdicts.map((v) => [v.key, [v.outcome, v.streak, v.fire, v.recover]]));
      assert.deepEqual(got, c.expect);
    });
  }

  it('a deviation threshold is baseline × (1 − pct)', () => {
    const [v] = evaluate({ ...base, thresholds: { baseline_deviation_pct: 25 }, metrics: { download_mbps: 700 }, baselines: { download_mbps: { value: 1000, reliable: true } } });
    assert.equal(v!.threshold, 750);
    assert.equal(v!.baseline, 1000);
  });

  it('a standalone rule becomes one threshold key', () => {
    assert.deepEqual(ruleThresholds({ metric: 'latency_ms', threshold: 50, deviation_pct: null }), { latency_max_ms: 50 });
    assert.deepEqual(ruleThresholds({ metric: 'loss_pct', threshold: 0.5, deviation_pct: null }), { packet_loss_max_pct: 0.5 });
    assert.deepEqual(ruleThresholds({ metric: 'baseline_deviation', threshold: null, deviation_pct: null }), { baseline_deviation_pct: 30 });
  });

  it('retry backoff doubles and is capped', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 10, 50].map((n) => backoffMs(n, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});
