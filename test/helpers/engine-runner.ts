// Runs one measurement job on the registered engines and prints the result as JSON: used to run
// an engine inside a network namespace (`ip netns exec NS node --import tsx engine-runner.ts JOB`),
// where an agent on that host would run it. `wall_ms` is the runner's own clock around the engine.
import pino from 'pino';
import { runMeasurement } from '../../src/engines/registry.js';
import type { MeasurementJob, Progress } from '../../src/measurements/job.js';

const job = JSON.parse(process.argv[2] ?? '{}') as MeasurementJob;
const progress: Progress[] = [];
const t0 = performance.now();
const result = await runMeasurement(job, { signal: new AbortController().signal, log: pino({ level: 'silent' }), onProgress: (p) => progress.push(p), agentVersion: 'fidelity' });
const wallMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ result, wall_ms: wallMs, progress }));
