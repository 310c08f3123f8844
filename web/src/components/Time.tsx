import { ago, localTime, utcTime } from '../lib/format.js';

/** A time in the viewer's zone; UTC on hover. `relative` shows "3 min ago" instead. */
export function Time({ iso, relative = false, short = false }: { iso: string | null | undefined; relative?: boolean; short?: boolean }) {
  if (!iso) return <span class="muted">never</span>;
  return (
    <time dateTime={iso} title={`${utcTime(iso)} · ${localTime(iso)}`}>
      {relative ? ago(iso) : localTime(iso, short)}
    </time>
  );
}
