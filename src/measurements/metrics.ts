/**
 * Metric names used everywhere a figure leaves an engine: results, rollups, alerts, /metrics,
 * CSV headers. DESIGN §12. Units are in the names.
 */
export const METRIC_NAMES = [
  'download_mbps',
  'upload_mbps',
  'latency_ms',
  'jitter_ms',
  'loss_pct',
  'loaded_latency_ms',
  'connect_ms',
  'resolve_ms',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export type Metrics = Partial<Record<MetricName, number>>;
