/** The measurement kinds: one engine each (speedtest picks http or iperf3 inside). DESIGN §5. */
export const MEASUREMENT_KINDS = ['speedtest', 'trace', 'probe', 'dns'] as const;
export type MeasurementKind = (typeof MEASUREMENT_KINDS)[number];

/**
 * Bandwidth tests are exclusive on an agent (one at a time, others wait their turn); the rest
 * are background work that may overlap. DESIGN §4.
 */
export const EXCLUSIVE_KINDS: ReadonlySet<MeasurementKind> = new Set(['speedtest']);
