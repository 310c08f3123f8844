/** The error an engine step throws when the caller's signal fires; the engine turns it into "canceled". */
export class CanceledError extends Error {
  override name = 'CanceledError';
  constructor() {
    super('canceled');
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CanceledError();
}

/** Waits `ms`, or less when the signal fires (then throws CanceledError). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CanceledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CanceledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
