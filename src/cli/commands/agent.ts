import { startAgent } from '../../agent/agent.js';
import { detectCapabilities } from '../../agent/capabilities.js';
import type { AgentConfig } from '../../config/agent.js';
import { createLogger } from '../../observability/logger.js';
import { startSpeedListener, type SpeedListener } from '../../speed-server/listener.js';
import { IPERF3_DEFAULT_PORT } from '../../measurements/targets.js';

/** `flux-speed agent`: runs until SIGINT/SIGTERM. */
export async function runAgentProcess(config: AgentConfig): Promise<number> {
  const log = createLogger(config.logLevel, 'agent').child({ agent: config.name });
  const capabilities = await detectCapabilities();
  // AGENT_LISTEN: what this agent serves so others can test to it (HTTP speed endpoints, the UDP
  // reflector on the same port, a managed iperf3 server when iperf3 is installed).
  let listener: SpeedListener | undefined;
  if (config.listen) {
    const iperf3 = (capabilities.iperf3 as { present?: boolean } | undefined)?.present === true;
    listener = await startSpeedListener({ host: config.listen.host, port: config.listen.port, iperf3Port: iperf3 ? IPERF3_DEFAULT_PORT : undefined, log });
  }
  const listen = listener
    ? {
        http_port: listener.port,
        reflector_port: listener.reflectorPort,
        ...(listener.iperf3 ? { iperf3_port: IPERF3_DEFAULT_PORT } : {}),
        ...(config.listen && !['0.0.0.0', '::'].includes(config.listen.host) ? { addresses: [config.listen.host] } : {}),
      }
    : undefined;
  log.info({ server: config.serverUrl, capabilities, listen }, 'agent starting');
  const agent = startAgent({ config, log, capabilities, listen });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'agent stopping');
    await agent.stop();
    await listener?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}
