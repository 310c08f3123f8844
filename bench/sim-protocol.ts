// Messages between the bench and its simulated-agents process (Node IPC).

export interface SimAgent {
  index: number;
  name: string;
  credential: string;
}

export type SimCommand =
  | { cmd: 'connect'; baseUrl: string; agents: SimAgent[]; heartbeatS: number; concurrency: number }
  | { cmd: 'ingest'; durationS: number; window: number; runsPerAgent: number }
  | { cmd: 'dispatch'; baseUrl: string; token: string; samples: number; intervalMs: number }
  | { cmd: 'silence'; name: string }
  | { cmd: 'stats' }
  | { cmd: 'close' };

export interface IngestReport {
  stored: number;
  duplicate: number;
  rejected: number;
  sent: number;
  elapsedMs: number;
  latencyMs: number[];
  exhausted: boolean;
}

export interface DispatchReport {
  latencyMs: number[];
  apiMs: number[];
  failures: string[];
}

export interface SimStats {
  open: number;
  closed: number;
  heartbeatAcks: number;
  errors: string[];
}

export type SimReply =
  | { type: 'connected'; open: number; failed: number; elapsedMs: number; firstError?: string }
  | { type: 'ingest'; report: IngestReport }
  | { type: 'dispatch'; report: DispatchReport }
  | { type: 'silenced'; lastHeartbeatAt: number }
  | { type: 'stats'; stats: SimStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };
