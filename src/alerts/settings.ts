import type { ServerConfig } from '../config/server.js';
import type { Queryable } from '../db/port.js';

/** The Flux Notify settings in force: the Admin's stored values over the environment's. */
export interface NotifySettings {
  url: string | null;
  apiKey: string | null;
  defaultSeverity: string;
  defaultContactList: string;
  enabled: boolean;
  updatedAt: Date | null;
}

interface SettingsRow {
  url: string | null;
  api_key: string | null;
  default_severity: string | null;
  default_contact_list: string | null;
  enabled: boolean;
  updated_at: Date;
}

export async function notifySettings(db: Queryable, config: ServerConfig): Promise<NotifySettings> {
  const [row] = await db.query<SettingsRow>('SELECT url, api_key, default_severity, default_contact_list, enabled, updated_at FROM notify_settings WHERE id = 1');
  return {
    url: row?.url ?? config.fluxNotify.url ?? null,
    apiKey: row?.api_key ?? config.fluxNotify.apiKey ?? null,
    defaultSeverity: row?.default_severity ?? config.fluxNotify.defaultSeverity,
    defaultContactList: row?.default_contact_list ?? config.fluxNotify.defaultContactList,
    enabled: row?.enabled ?? true,
    updatedAt: row?.updated_at ?? null,
  };
}
