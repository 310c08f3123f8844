export const BASELINE_WINDOW_DAYS = 14;
export const BASELINE_MIN_SAMPLES = 50;
export const BASELINE_METRICS = ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct'] as const;
