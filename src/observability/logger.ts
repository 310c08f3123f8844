import pino, { type Logger } from 'pino';

/** Paths never written to a log, whatever logs them (secrets must not leak through logs). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-token"]',
  'req.headers.cookie',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.token',
  '*.secret',
  '*.credential',
  '*.api_key',
  '*.apiKey',
];

export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
