/** An error with an HTTP answer: `{error, message, field?}`. Anything else answers 500. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string) => new HttpError(400, 'bad_request', `${field}: ${message}`, field);
export const unauthorized = (message = 'authentication required') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new HttpError(409, 'conflict', message, field);
export const tooManyRequests = (message: string, retryAfterS: number) =>
  new HttpError(429, 'too_many_requests', message, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) });
