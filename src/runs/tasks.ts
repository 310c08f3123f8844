import type { AppContext } from '../app/context.js';
import type { PeriodicTask } from '../worker/periodic.js';
import { timeOutOverdueRuns } from './service.js';

/** Active runs past their deadline end timed_out: no run stays stuck. */
export function runTimeoutTask(ctx: AppContext): PeriodicTask {
  const listeningSince = new Date();
  return {
    name: 'runs.timeouts',
    everyMs: 1_000,
    run: async () => {
      const count = await timeOutOverdueRuns(ctx, new Date(), { listeningSince });
      if (count > 0) ctx.log.info({ count }, 'runs timed out');
    },
  };
}
