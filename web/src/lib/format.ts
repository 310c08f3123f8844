// Numbers always with their unit, times in the viewer's zone (UTC in the title attribute).

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const thisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function localTime(iso: string | Date, short = false): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  const today = new Date();
  if (short && date.toDateString() === today.toDateString()) return timeOnly.format(date);
  return date.getFullYear() === today.getFullYear() ? thisYear.format(date) : dateTime.format(date);
}

export function utcTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const decimals = (value: number) => (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);

export function num(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { maximumFractionDigits: digits ?? decimals(value), minimumFractionDigits: 0 });
}

/** Mbps below 1000, Gbps above: the brief says throughput is shown in Mbps or Gbps. */
export function mbps(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value >= 1000 ? `${num(value / 1000, 2)} Gbps` : `${num(value)} Mbps`;
}

export const UNITS: Record<string, string> = {
  download_mbps: 'Mbps', upload_mbps: 'Mbps', latency_ms: 'ms', jitter_ms: 'ms', loss_pct: '%', loaded_latency_ms: 'ms', connect_ms: 'ms', resolve_ms: 'ms',
};

export const METRIC_LABELS: Record<string, string> = {
  download_mbps: 'Download', upload_mbps: 'Upload', latency_ms: 'Latency', jitter_ms: 'Jitter', loss_pct: 'Packet loss',
  loaded_latency_ms: 'Loaded latency', connect_ms: 'Connect time', resolve_ms: 'DNS resolve time',
};

/** A metric with its unit: `940 Mbps`, `1.2 ms`, `0.1 %`. */
export function metric(name: string, value: number | null | undefined): string {
  if (name.endsWith('_mbps')) return mbps(value);
  if (value === null || value === undefined) return '—';
  return `${num(value)} ${UNITS[name] ?? ''}`.trim();
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${num(s, 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function interval(seconds: number): string {
  if (seconds % 86400 === 0) return `every ${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}
