import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import { followEvents } from '../../api/sse.js';
import type { Progress, RunDetail, RunStatus } from '../../api/types.js';

export const ACTIVE: readonly string[] = ['queued', 'dispatched', 'running'] satisfies RunStatus[];
export const isActive = (status: string) => ACTIVE.includes(status);

export interface LiveRun {
  run: RunDetail | undefined;
  progress: Progress[];
  error: Error | undefined;
  live: boolean;
}

/**
 * A run, kept live: loaded once, then followed over SSE while active (snapshot, status, progress,
 * result). Reconnects after a dropped stream until the run ends.
 */
export function useLiveRun(id: string): LiveRun & { reload: () => void } {
  const [run, setRun] = useState<RunDetail | undefined>();
  const [progress, setProgress] = useState<Progress[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let ended = false;
    const follow = async () => {
      let first: RunDetail;
      try {
        first = await api.results.get(id);
      } catch (e) {
        if (!controller.signal.aborted) setError(e as Error);
        return;
      }
      if (controller.signal.aborted) return;
      setRun(first);
      setError(undefined);
      if (!isActive(first.status)) return;
      setProgress(first.progress as Progress[]);
      for (let attempt = 0; !ended && !controller.signal.aborted && attempt < 20; attempt++) {
        setLive(true);
        try {
          await followEvents(api.results.eventsUrl(id), (event) => {
            const data = JSON.parse(event.data) as Record<string, unknown>;
            if (event.event === 'snapshot') {
              setRun(data as unknown as RunDetail);
              setProgress(((data as unknown as RunDetail).progress ?? []) as Progress[]);
            } else if (event.event === 'status') {
              setRun((r) => (r ? { ...r, status: data.status as string, status_reason: (data.reason as string | null) ?? r.status_reason } : r));
            } else if (event.event === 'progress') {
              setProgress((list) => [...list, data.progress as Progress]);
            } else if (event.event === 'result') {
              ended = true;
              setRun(data as unknown as RunDetail);
            }
          }, controller.signal);
        } catch (e) {
          if (controller.signal.aborted) return;
          setError(e as Error);
        }
        setLive(false);
        if (ended || controller.signal.aborted) break;
        // The stream closed without a result (timed_out, a server restart): look again.
        const now = await api.results.get(id).catch(() => undefined);
        if (now) setRun(now);
        if (now && !isActive(now.status)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    void follow();
    return () => controller.abort();
  }, [id, tick]);

  return { run, progress, error, live, reload: () => setTick((t) => t + 1) };
}
