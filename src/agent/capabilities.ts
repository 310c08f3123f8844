import type { AgentCapabilities } from '../agents/protocol.js';
import { detectDiagnosticCapabilities } from '../engines/capabilities.js';
import { detectBandwidthCapabilities } from '../speed-server/capabilities.js';

/** What this host can measure, found by trying; sent in the agent's hello. */
export async function detectCapabilities(): Promise<AgentCapabilities> {
  const [diagnostics, bandwidth] = await Promise.all([detectDiagnosticCapabilities(), detectBandwidthCapabilities()]);
  return { ...diagnostics, ...bandwidth };
}
