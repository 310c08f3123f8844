import type { AppContext } from '../app/context.js';
import { acceptResults, type IncomingResult } from '../runs/accept-batch.js';
import type { ResultHook, ResultOutcome } from '../runs/service.js';

/**
 * Gathers results from all of this server's agent connections into shared transactions. Nothing
 * waits on a timer: a result arriving while the store is idle is written at once, alone; results
 * arriving while `maxConcurrent` batches are being written queue up and go together in the next
 * one. Under load that turns ~6 statements and a commit per result into 3 statements and a
 * commit per batch.
 */
export class ResultBatcher {
  private readonly queue: { item: IncomingResult; resolve: (o: ResultOutcome) => void; reject: (e: unknown) => void }[] = [];
  private active = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly hooks: ResultHook[],
    private readonly options: { maxBatch: number; maxConcurrent: number } = { maxBatch: 200, maxConcurrent: 2 },
  ) {}

  submit(item: IncomingResult): Promise<ResultOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.active++;
      acceptResults(this.ctx, batch.map((b) => b.item), this.hooks)
        .then(
          (outcomes) => batch.forEach((b, i) => b.resolve(outcomes[i]!)),
          (error) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
  }
}
