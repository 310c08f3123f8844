import type { AppContext } from '../app/context.js';
import { runChannel, type RunEvent } from './events.js';
import { isTerminal } from './lifecycle.js';
import { findRun } from './repository.js';

/** Resolves when the run reaches a terminal status, or after `timeoutMs`; returns whether it finished. */
export async function waitForRun(ctx: AppContext, runId: string, timeoutMs: number): Promise<boolean> {
  let resolveDone!: (done: boolean) => void;
  const done = new Promise<boolean>((resolve) => (resolveDone = resolve));
  const unsubscribe = await ctx.bus.subscribe(runChannel(runId), (message) => {
    const event = message as RunEvent;
    if (event.type === 'status' && isTerminal(event.status)) resolveDone(true);
  });
  const timer = setTimeout(() => resolveDone(false), timeoutMs);
  try {
    // It may have finished before the subscription started.
    const run = await findRun(ctx.db, runId);
    if (run && isTerminal(run.status)) return true;
    return await done;
  } finally {
    clearTimeout(timer);
    await unsubscribe();
  }
}
