import type { MeasurementJob } from '../measurements/job.js';

/**
 * How long a job should take on the agent, from its spec: the base of its deadline. Generous on
 * purpose (set-up, latency and loss probes, auto selection); the deadline adds a grace on top.
 */
export function expectedDurationMs(job: MeasurementJob): number {
  switch (job.kind) {
    case 'speedtest': {
      const phases = job.spec.direction === 'bidirectional' && !job.spec.simultaneous ? 2 : 1;
      const autoSelection = job.spec.candidates.length > 1 ? 5_000 : 0;
      return phases * job.spec.duration * 1000 + 15_000 + autoSelection;
    }
    case 'trace':
      return job.spec.count * job.spec.interval_ms + job.spec.max_hops * 1000 + 5_000;
    case 'probe':
      return job.spec.timeout_ms + 2_000;
    case 'dns':
      // A TCP retry after truncation may double the wait.
      return 2 * job.spec.timeout_ms + 2_000;
  }
}
