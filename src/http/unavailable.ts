/**
 * Errors that mean "the database or Redis cannot be reached right now" (a restart, a network
 * blip), as opposed to a bug: the client gets 503 with Retry-After and may simply try again.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: class 08 (connection exception), 57P01-57P03 (shutdown, crash, cannot connect now).
const SQLSTATE = /^(08...|57P0[123])$/;
const MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection is closed|the database system is (starting up|shutting down)/i;

export function isBackendUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
    if (Array.isArray((e as { errors?: unknown }).errors) && ((e as { errors: unknown[] }).errors).some(isBackendUnavailable)) return true;
  }
  return false;
}
