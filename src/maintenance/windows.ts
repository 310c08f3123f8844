import { CronExpressionParser } from 'cron-parser';

/**
 * Maintenance windows (DESIGN §6): one-off (`starts_at`..`ends_at`) or recurring (a 5-field cron
 * expression in `timezone` opening a window of `duration_seconds`). Global when `agent_id` is null.
 */
export interface MaintenanceWindow {
  id: number;
  name: string;
  agent_id: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  cron: string | null;
  duration_seconds: number | null;
  timezone: string;
  reason: string;
}

/** One opening of a window: when it started and when it ends. */
export interface WindowOccurrence {
  window: MaintenanceWindow;
  start: Date;
  end: Date;
}

/** Why a cron expression is not a 5-field expression cron-parser accepts, or undefined. */
export function cronError(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'must have 5 fields: minute hour day-of-month month day-of-week';
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC', strict: false });
    return undefined;
  } catch (error) {
    return `not a valid cron expression (${(error as Error).message})`;
  }
}

/** Why a time zone name is not one this runtime knows (IANA, e.g. Europe/Berlin), or undefined. */
export function timezoneError(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return 'not a known IANA time zone (e.g. UTC, Europe/Berlin)';
  }
}

/** The latest opening of a recurring window that started at or before `at`. */
function latestOpening(window: MaintenanceWindow, at: Date): Date | undefined {
  try {
    // prev() is strictly before currentDate: +1 ms makes an opening exactly at `at` count.
    const expression = CronExpressionParser.parse(window.cron!, { tz: window.timezone, currentDate: new Date(at.getTime() + 1) });
    return expression.prev().toDate();
  } catch {
    return undefined;
  }
}

/** The opening of `window` that covers `at`, if any. */
export function occurrenceAt(window: MaintenanceWindow, at: Date): WindowOccurrence | undefined {
  const t = at.getTime();
  if (!window.cron) {
    if (!window.starts_at || !window.ends_at) return undefined;
    return window.starts_at.getTime() <= t && t < window.ends_at.getTime() ? { window, start: window.starts_at, end: window.ends_at } : undefined;
  }
  const start = latestOpening(window, at);
  if (!start || !window.duration_seconds) return undefined;
  // The latest opening is enough: an earlier one that still covered `at` ends no later than it.
  const end = new Date(start.getTime() + window.duration_seconds * 1000);
  return t < end.getTime() ? { window, start, end } : undefined;
}

/** The windows open at `at`, in the order given. Pure. */
export function activeWindows(windows: readonly MaintenanceWindow[], at: Date): WindowOccurrence[] {
  const open: WindowOccurrence[] = [];
  for (const window of windows) {
    const occurrence = occurrenceAt(window, at);
    if (occurrence) open.push(occurrence);
  }
  return open;
}

/** The next time a window opens after `at` (one-off: its start if still ahead). */
export function nextOpening(window: MaintenanceWindow, at: Date): Date | undefined {
  if (!window.cron) return window.starts_at && window.starts_at > at ? window.starts_at : undefined;
  try {
    return CronExpressionParser.parse(window.cron, { tz: window.timezone, currentDate: at }).next().toDate();
  } catch {
    return undefined;
  }
}

/** Whether a window applies to an agent: its own windows and the global ones. */
export const appliesTo = (window: MaintenanceWindow, agentId: string) => window.agent_id === null || window.agent_id === agentId;
