import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent.js';
import type { CredentialStore, StoredCredential } from './credential-store.js';

export class RegistrationRefused extends Error {
  override name = 'RegistrationRefused';
}

/** Trades AGENT_TOKEN for a credential at POST /api/agent/register and stores it. */
export async function register(config: AgentConfig, store: CredentialStore, log: Logger): Promise<StoredCredential> {
  if (!config.registrationToken) {
    throw new RegistrationRefused('AGENT_TOKEN is required to register this agent (no stored credential in AGENT_DATA_DIR)');
  }
  const response = await fetch(`${config.serverUrl}/api/agent/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: config.registrationToken, name: config.name, location: config.location }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json().catch(() => ({}))) as { agent_id?: string; name?: string; credential?: string; message?: string };
  if (response.status === 401 || response.status === 400) throw new RegistrationRefused(`the server refused the registration: ${body.message ?? response.status}`);
  if (!response.ok || !body.credential || !body.agent_id) throw new Error(`registration failed: HTTP ${response.status} ${body.message ?? ''}`.trim());
  const stored: StoredCredential = { agent_id: body.agent_id, name: body.name ?? config.name, credential: body.credential, server_url: config.serverUrl };
  store.save(stored);
  log.info({ agentId: stored.agent_id }, 'registered with the server');
  return stored;
}
