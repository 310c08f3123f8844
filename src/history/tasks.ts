import type { AppContext } from '../app/context.js';
import type { PeriodicTask } from '../worker/periodic.js';
import { dropExpiredPartitions, ensurePartitions } from './partitions.js';
import { pruneRollups, runRollups } from './rollups.js';

/** Keeps monthly partitions ahead (current + 2 months) and applies raw and rollup retention. */
export function partitionTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'history-partitions',
    everyMs: 3_600_000,
    async run() {
      const created = await ensurePartitions(ctx.db);
      const dropped = await dropExpiredPartitions(ctx.db, ctx.config.rawRetentionDays);
      const pruned = await pruneRollups(ctx.db);
      if (created.length || dropped.length || pruned) ctx.log.info({ created, dropped, pruned }, 'history partitions maintained');
    },
  };
}

/** Folds newly stored (and late) results into their hourly, daily and weekly rollups. */
export function rollupTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'history-rollups',
    everyMs: 30_000,
    async run(signal) {
      const pass = await runRollups(ctx.db, { signal, budgetMs: 20_000 });
      if (pass.hours) ctx.log.debug(pass, 'rollups updated');
    },
  };
}
