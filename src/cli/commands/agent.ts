import { startAgent } from '../../agent/agent.js';
import { detectCapabilities } from '../../agent/capabilities.js';
import type { AgentConfig } from '../../config/agent.js';
import { createLogger } from '../../observability/logger.js';

/** `flux-speed agent`: runs until SIGINT/SIGTERM. */
export async function runAgentProcess(config: AgentConfig): Promise<number> {
  const log = createLogger(config.logLevel, 'agent').child({ agent: config.name });
  const capabilities = await detectCapabilities();
  log.info({ server: config.serverUrl, capabilities }, 'agent starting');
  const agent = startAgent({ config, log, capabilities });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'agent stopping');
    await agent.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}
