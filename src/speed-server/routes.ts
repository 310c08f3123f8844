import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Access } from '../auth/principal.js';
import { randomStream } from './random-stream.js';

/** Largest single download answer; clients ask again for more (one round trip per GiB). */
export const MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;
const DEFAULT_DOWNLOAD_BYTES = 25 * 1024 * 1024;
/**
 * An upload is bounded by time, not size: the longest phase (60 s) plus the longest warm-up
 * (5 s) plus slack. Past it the server answers with what it counted and closes the connection.
 */
export const DEFAULT_UPLOAD_MAX_MS = 75_000;

export interface SpeedRoutesOptions {
  /** `agent` on the main server (agent credential required), `public` on an agent's own listener. */
  access: Access;
  uploadMaxMs?: number;
}

const UploadAnswer = Type.Object({
  bytes: Type.Integer({ description: 'request body bytes received' }),
  elapsed_ms: Type.Number({ description: 'from the request head to the end of its body (or the time bound)' }),
  truncated: Type.Optional(Type.Boolean({ description: 'the time bound ended the upload' })),
});

const NO_STORE = 'no-store, no-transform';

/**
 * The endpoints other hosts measure against (DESIGN §5): download incompressible bytes, upload
 * into a counter, and a minimal round trip. Registered encapsulated: the content-type parsers
 * replaced here apply to these routes only, never to the JSON API and its 1 MiB body limit.
 */
export function speedRoutes(options: SpeedRoutesOptions): FastifyPluginAsyncTypebox {
  const uploadMaxMs = options.uploadMaxMs ?? DEFAULT_UPLOAD_MAX_MS;
  const config = { access: options.access };
  return async (app) => {
    // Uploads are streamed and discarded: any content type, never buffered, never size-limited.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    app.get('/speed/ping', {
      config,
      schema: { tags: ['speed'], summary: 'A minimal round trip (204, no body)', response: { 204: Type.Null() } },
    }, async (_request, reply) => reply.code(204).header('cache-control', NO_STORE).send(null));

    app.get('/speed/download', {
      config,
      schema: {
        tags: ['speed'],
        summary: 'Incompressible random bytes for download measurements',
        querystring: Type.Object({ bytes: Type.Integer({ minimum: 0, maximum: MAX_DOWNLOAD_BYTES, default: DEFAULT_DOWNLOAD_BYTES }) }),
      },
    }, async (request, reply) => {
      const { bytes } = request.query;
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(bytes))
        .header('cache-control', NO_STORE)
        .send(randomStream(bytes));
    });

    app.post('/speed/upload', {
      config,
      schema: {
        tags: ['speed'],
        summary: 'Counts and discards the request body (bounded by time, not size)',
        description: 'With progress_ms, answers at once and streams the count as NDJSON lines {bytes, t_ms} every progress_ms while the body arrives, then a final line with done: true; the client can then count at the receiver.',
        querystring: Type.Object({ progress_ms: Type.Optional(Type.Integer({ minimum: 50, maximum: 5000 })) }),
        response: { 200: UploadAnswer },
      },
    }, async (request, reply) => {
      const body = request.body as Readable | undefined;
      const startedAt = performance.now();
      const elapsed = () => Math.round((performance.now() - startedAt) * 1000) / 1000;
      const progressMs = request.query.progress_ms;
      if (progressMs !== undefined) {
        // The receiver's count as it happens: the sender's own count includes whatever its
        // kernel buffers hold (megabytes), so only the receiver knows what crossed the path.
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': NO_STORE, 'x-content-type-options': 'nosniff' });
        raw.flushHeaders();
        const line = (value: object) => raw.write(`${JSON.stringify(value)}\n`);
        const { bytes, truncated } = await drain(body, uploadMaxMs, progressMs, (count) => line({ bytes: count, t_ms: elapsed() }));
        line({ bytes, t_ms: elapsed(), done: true, ...(truncated ? { truncated } : {}) });
        raw.end();
        if (truncated) raw.once('finish', () => request.raw.destroy());
        return;
      }
      const { bytes, truncated } = await drain(body, uploadMaxMs);
      reply.header('cache-control', NO_STORE);
      // A body cut short by the time bound is still arriving: close the connection after the answer.
      if (truncated) reply.header('connection', 'close');
      return { bytes, elapsed_ms: elapsed(), ...(truncated ? { truncated } : {}) };
    });
  };
}

/** Reads a body to its end (or the time bound) counting bytes; never holds more than one chunk. */
function drain(body: Readable | undefined, maxMs: number, tickMs?: number, onTick?: (bytes: number) => void): Promise<{ bytes: number; truncated: boolean }> {
  if (!body) return Promise.resolve({ bytes: 0, truncated: false });
  return new Promise((resolve) => {
    let bytes = 0;
    const ticker = tickMs && onTick ? setInterval(() => onTick(bytes), tickMs) : undefined;
    const finish = (truncated: boolean) => {
      clearTimeout(timer);
      clearInterval(ticker);
      body.removeListener('data', count);
      if (truncated) body.pause();
      resolve({ bytes, truncated });
    };
    const count = (chunk: Buffer) => {
      bytes += chunk.length;
    };
    const timer = setTimeout(() => finish(true), maxMs);
    body.on('data', count);
    body.once('end', () => finish(false));
    // A client that went away mid-body: nobody reads the answer, but settle all the same.
    body.once('error', () => finish(false));
    body.once('close', () => finish(false));
  });
}
