import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';
import { isBackendUnavailable } from './unavailable.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 408: 'request_timeout', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests' };

/** `body.port` / `query.limit` → `port` / `limit`: the field as the client named it. */
function fieldOf(issue: ValidationIssue): string {
  const parts = issue.instancePath.split('/').filter(Boolean);
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') parts.push(issue.params.missingProperty);
  if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') parts.push(issue.params.additionalProperty);
  return parts.join('.') || '(body)';
}

function describe(issue: ValidationIssue): string {
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

/**
 * One place that shapes every error answer: `{error, message, field?}` for the client's mistakes,
 * and a bare 500 with the request id for ours (the detail goes to the log, not the client).
 */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).headers(error.headers).send({ error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) });
    }
    const validation = (error as FastifyError).validation as ValidationIssue[] | undefined;
    if (validation && validation.length > 0) {
      // Prefer the most specific problem: an anyOf failure also reports each branch.
      const issue = validation.find((v) => v.keyword !== 'anyOf' && v.keyword !== 'oneOf') ?? validation[0]!;
      const field = fieldOf(issue);
      return reply.code(400).send({ error: 'bad_request', message: `${field}: ${describe(issue)}`, field });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message: error.message });
    }
    if (isBackendUnavailable(error)) {
      request.log.warn({ err: error }, 'storage unavailable');
      return reply.code(503).header('retry-after', '5').send({ error: 'unavailable', message: 'the database or Redis cannot be reached right now; try again shortly', request_id: String(request.id) });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal server error', request_id: String(request.id) });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}
