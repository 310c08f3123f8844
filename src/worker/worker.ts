import type { AppContext } from '../app/context.js';
import { startPeriodicTasks, type PeriodicTask } from './periodic.js';

/** The tasks every worker runs; features add theirs here. */
export function workerTasks(_ctx: AppContext): PeriodicTask[] {
  return [];
}

/** Starts the background work: periodic tasks and queue consumers. Returns a stop function. */
export async function startWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const stopTasks = startPeriodicTasks(workerTasks(ctx), { bus: ctx.bus, log: ctx.log });
  ctx.log.info('worker started');
  return stopTasks;
}
