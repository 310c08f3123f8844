/** The run states. DESIGN §6. */
export const RUN_STATUSES = ['queued', 'dispatched', 'running', 'completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'dispatched', 'running'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance'];

/**
 * Where a run may go from each state. A result may still complete a `timed_out` run: an agent
 * uploading its buffer after an outage brings measured data, and measured data wins over a guess.
 */
export const ALLOWED_FROM: Record<RunStatus, readonly RunStatus[]> = {
  queued: [],
  dispatched: ['queued', 'dispatched'],
  running: ['dispatched'],
  completed: ['dispatched', 'running', 'timed_out'],
  failed: ['queued', 'dispatched', 'running', 'timed_out'],
  timed_out: ['queued', 'dispatched', 'running'],
  canceled: ['queued', 'dispatched', 'running'],
  skipped_maintenance: ['queued'],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return ALLOWED_FROM[to].includes(from);
}

export const isTerminal = (status: RunStatus) => TERMINAL_STATUSES.includes(status);
