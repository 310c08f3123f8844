import type { Logger } from 'pino';
import { runMeasurement } from '../engines/registry.js';
import type { MeasurementJob, MeasurementResult, Progress } from '../measurements/job.js';

export interface RunnerJob {
  runId: string;
  job: MeasurementJob;
  exclusive: boolean;
  /** In the agent's clock. */
  deadlineMs: number;
}

export interface RunnerEvents {
  started(runId: string, startedAt: Date): void;
  progress(runId: string, progress: Progress): void;
  /** A finished measurement (completed or failed), not sent for canceled runs. */
  finished(runId: string, result: MeasurementResult): void;
}

interface Active {
  job: RunnerJob;
  controller: AbortController;
  canceled: boolean;
}

/**
 * Runs jobs on this agent: bandwidth tests (exclusive) one at a time in arrival order, the rest
 * (background) at once. Each job gets an AbortSignal that fires on cancel, at its deadline, and
 * when the agent stops.
 */
export class JobRunner {
  private readonly waiting: RunnerJob[] = [];
  private readonly active = new Map<string, Active>();
  private exclusiveBusy = false;
  private stopped = false;
  /** Outcomes of the last runs (true = failed), for the health figures. */
  private readonly recent: boolean[] = [];

  constructor(
    private readonly events: RunnerEvents,
    private readonly log: Logger,
    private readonly agentVersion: string,
    private readonly prepare: (job: MeasurementJob) => MeasurementJob = (job) => job,
  ) {}

  knows(runId: string): boolean {
    return this.active.has(runId) || this.waiting.some((j) => j.runId === runId);
  }

  /** Runs being measured or waiting their turn. */
  knownRunIds(): string[] {
    return [...this.active.keys(), ...this.waiting.map((j) => j.runId)];
  }

  get runningCount(): number {
    return this.active.size;
  }

  get queuedCount(): number {
    return this.waiting.length;
  }

  recentFigures(): { recent_runs: number; recent_engine_errors: number } {
    return { recent_runs: this.recent.length, recent_engine_errors: this.recent.filter(Boolean).length };
  }

  submit(job: RunnerJob): void {
    if (this.stopped || this.knows(job.runId)) return;
    if (job.exclusive) {
      this.waiting.push(job);
      this.pump();
    } else void this.execute(job);
  }

  cancel(runId: string, reason: string): void {
    const index = this.waiting.findIndex((j) => j.runId === runId);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      return;
    }
    const active = this.active.get(runId);
    if (active) {
      active.canceled = true;
      active.controller.abort(new Error(reason));
    }
  }

  private pump(): void {
    if (this.exclusiveBusy || this.stopped) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.exclusiveBusy = true;
    void this.execute(next).finally(() => {
      this.exclusiveBusy = false;
      this.pump();
    });
  }

  private async execute(job: RunnerJob): Promise<void> {
    const controller = new AbortController();
    const entry: Active = { job, controller, canceled: false };
    this.active.set(job.runId, entry);
    const timer = setTimeout(() => controller.abort(new Error('deadline passed')), Math.max(0, job.deadlineMs - Date.now()));
    const startedAt = new Date();
    const log = this.log.child({ runId: job.runId, engine: job.job.kind });
    this.events.started(job.runId, startedAt);
    let result: MeasurementResult;
    try {
      result = await runMeasurement(this.prepare(job.job), {
        signal: controller.signal,
        log,
        onProgress: (progress) => this.events.progress(job.runId, progress),
        agentVersion: this.agentVersion,
      });
    } catch (error) {
      // Engines return failures; a throw is a bug, reported as a failed result rather than lost.
      log.error({ err: error }, 'engine threw');
      result = {
        kind: job.job.kind,
        status: 'failed',
        error: `engine error: ${(error as Error).message}`,
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        target: 'target' in job.job.spec ? job.job.spec.target : job.job.spec.hostname,
        metrics: {},
        details: {},
        method: { agent_version: this.agentVersion },
      };
    } finally {
      clearTimeout(timer);
      this.active.delete(job.runId);
    }
    this.recent.push(result.status === 'failed');
    if (this.recent.length > 10) this.recent.shift();
    if (entry.canceled) {
      log.info('run canceled');
      return;
    }
    this.events.finished(job.runId, result);
  }

  /** Aborts everything; waiting jobs are dropped (the server times them out). */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    for (const active of this.active.values()) {
      active.canceled = true;
      active.controller.abort(new Error('agent stopping'));
    }
  }
}
