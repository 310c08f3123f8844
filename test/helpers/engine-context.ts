// An EngineContext for engine tests: a silent logger, collected progress, an optional signal.
import pino from 'pino';
import type { EngineContext } from '../../src/engines/types.js';
import type { Progress } from '../../src/measurements/job.js';

export function engineContext(signal: AbortSignal = new AbortController().signal): EngineContext & { progress: Progress[] } {
  const progress: Progress[] = [];
  return { signal, log: pino({ level: 'silent' }), onProgress: (p) => progress.push(p), agentVersion: 'test', progress };
}
