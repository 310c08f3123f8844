/** Plain names and units for alert titles and notifications. */
export const METRIC_LABELS_PLAIN: Record<string, string> = {
  download_mbps: 'download',
  upload_mbps: 'upload',
  latency_ms: 'latency',
  jitter_ms: 'jitter',
  loss_pct: 'packet loss',
};

const UNITS: Record<string, string> = { download_mbps: 'Mbps', upload_mbps: 'Mbps', latency_ms: 'ms', jitter_ms: 'ms', loss_pct: '%' };

export function formatValue(metric: string, value: number | null): string {
  if (value === null) return '—';
  const rounded = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${rounded} ${UNITS[metric] ?? ''}`.trim();
}
