import type { AppContext } from '../app/context.js';
import { offlineTask } from '../agents/offline.js';
import { runTimeoutTask } from '../runs/tasks.js';
import { deliveryTask } from '../alerts/delivery.js';
import { baselineTask } from '../baselines/compute.js';
import { partitionTask, rollupTask } from '../history/tasks.js';
import { startPeriodicTasks, type PeriodicTask } from './periodic.js';
import { schedulerTask } from '../schedules/scheduler.js';
import { maintenanceTask } from '../maintenance/agent-states.js';

/** The tasks every worker runs; features add theirs here. */
export function workerTasks(ctx: AppContext): PeriodicTask[] {
  return [offlineTask(ctx), runTimeoutTask(ctx), maintenanceTask(ctx), schedulerTask(ctx), deliveryTask(ctx), baselineTask(ctx), partitionTask(ctx), rollupTask(ctx)];
}

/** Starts the background work: periodic tasks and queue consumers. Returns a stop function. */
export async function startWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const stopTasks = startPeriodicTasks(workerTasks(ctx), { bus: ctx.bus, log: ctx.log });
  ctx.log.info('worker started');
  return stopTasks;
}
