import type { ComponentChildren } from 'preact';
import { metric } from '../lib/format.js';
import { classify, type Level } from '../lib/thresholds.js';
import type { Thresholds } from '../api/types.js';

const STATE_LEVEL: Record<string, Level> = {
  ONLINE: 'good', DEGRADED: 'warn', OFFLINE: 'bad', MAINTENANCE: 'info' as Level, NEVER_CONNECTED: 'neutral',
  completed: 'good', running: 'info' as Level, dispatched: 'info' as Level, queued: 'neutral', failed: 'bad', timed_out: 'bad', canceled: 'neutral', skipped_maintenance: 'neutral',
  open: 'bad', resolved: 'good', EXCELLENT: 'good', GOOD: 'good', SLOW: 'warn', CRITICAL: 'bad',
  CRITICAL_SEV: 'bad', HIGH: 'bad', MEDIUM: 'warn', LOW: 'neutral',
};

/** An agent state, run status, alert state or rating, coloured and always in words (never colour alone). */
export function Badge({ value, title, level }: { value: string; title?: string | null | undefined; level?: Level }) {
  const lvl = level ?? STATE_LEVEL[value] ?? 'neutral';
  return (
    <span class={`badge badge-${lvl}`} title={title ?? undefined}>
      {value.replace(/_/g, ' ')}
    </span>
  );
}

/** A figure with its unit, coloured against thresholds. */
export function MetricValue({ name, value, thresholds, big = false }: { name: string; value: number | null | undefined; thresholds?: Thresholds | null | undefined; big?: boolean }) {
  const level = classify(name, value, thresholds);
  return <span class={`metric level-${level}${big ? ' metric-big' : ''}`} data-metric={name}>{metric(name, value)}</span>;
}

export function Pill({ children }: { children: ComponentChildren }) {
  return <span class="pill">{children}</span>;
}
