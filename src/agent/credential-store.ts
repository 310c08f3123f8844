import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface StoredCredential {
  agent_id: string;
  name: string;
  credential: string;
  server_url: string;
}

/** The per-agent credential, kept in AGENT_DATA_DIR/credential.json (readable by the agent only). */
export class CredentialStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'credential.json');
  }

  /** The stored credential when it was issued by this server for this name. */
  load(serverUrl: string, name: string): StoredCredential | undefined {
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as StoredCredential;
      if (stored.server_url !== serverUrl || stored.name.toLowerCase() !== name.toLowerCase() || !stored.credential) return undefined;
      return stored;
    } catch {
      return undefined;
    }
  }

  save(credential: StoredCredential): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(credential, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
