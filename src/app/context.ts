import type { Logger } from 'pino';
import type { JwtKeys } from '../auth/jwt.js';
import type { Bus } from '../bus/port.js';
import type { ServerConfig } from '../config/server.js';
import type { Database } from '../db/port.js';

/** What every feature of the server receives: configuration and the two ports. */
export interface AppContext {
  config: ServerConfig;
  db: Database;
  bus: Bus;
  log: Logger;
  jwt: JwtKeys;
}
