import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus } from '../bus/port.js';

/** A job the worker runs every `everyMs`, once across all worker processes. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Runs each task on its interval. Before each run the worker takes a lease on the task in the
 * bus's key store, so with several workers each tick runs once, on whichever worker got there.
 */
export function startPeriodicTasks(tasks: PeriodicTask[], deps: { bus: Bus; log: Logger }): () => Promise<void> {
  const instance = randomUUID();
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];

  for (const task of tasks) {
    let busy = false;
    const tick = async () => {
      if (busy || controller.signal.aborted) return;
      busy = true;
      try {
        const leased = await deps.bus.kv.setIfAbsent(`task:${task.name}`, instance, Math.max(50, Math.floor(task.everyMs * 0.9)));
        if (leased) await task.run(controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) deps.log.error({ err: error, task: task.name }, 'periodic task failed');
      } finally {
        busy = false;
      }
    };
    const fire = () => {
      const p = tick();
      running.add(p);
      void p.finally(() => running.delete(p));
    };
    timers.push(setInterval(fire, task.everyMs));
    fire();
  }

  return async () => {
    controller.abort(new Error('worker stopping'));
    timers.forEach(clearInterval);
    await Promise.allSettled([...running]);
  };
}
