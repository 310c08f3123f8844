import type { ApiErrorBody } from './types.js';

/** An API answer that is not 2xx, with the server's `message` (shown to the user as is). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
  /** The server has no such route: a feature not on this server yet. */
  get missingRoute(): boolean {
    return this.status === 404 && this.message.startsWith('no route ');
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

interface ClientHooks {
  token(): string | undefined;
  /** Called on a 401 from any call but sign-in: the session is over. */
  onUnauthorized(message: string): void;
}

let hooks: ClientHooks = { token: () => undefined, onUnauthorized: () => {} };
export function configureClient(next: ClientHooks) {
  hooks = next;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function authHeaders(): Record<string, string> {
  const token = hooks.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> = {};
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    /* not JSON: a proxy's page */
  }
  const message = body.message ?? `${response.status} ${response.statusText || 'error'}`;
  return new ApiError(response.status, body.error ?? 'error', message, body.field);
}

/** Fetches and fails with an ApiError; a 401 ends the session. */
export async function rawFetch(method: string, path: string, options: { query?: Query; body?: unknown; signal?: AbortSignal; accept?: string } = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers: {
        accept: options.accept ?? 'application/json',
        ...authHeaders(),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection; the page retries on its own.');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && path !== '/api/auth/login') hooks.onUnauthorized(error.message);
    throw error;
  }
  return response;
}

export async function call<T>(method: string, path: string, options: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const response = await rawFetch(method, path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => call<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown, query?: Query) => call<T>('POST', path, { body: body ?? {}, query });
export const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, { body });
export const del = (path: string) => call<void>('DELETE', path);
