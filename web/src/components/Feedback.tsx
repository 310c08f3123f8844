import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.js';

/** An error as the API phrased it (its `message`), with the field for a 400. */
export function ErrorBox({ error, what }: { error: Error | undefined | null; what?: string }) {
  if (!error) return null;
  if (error instanceof ApiError && error.missingRoute) return <Unavailable what={what ?? 'This feature'} />;
  const field = error instanceof ApiError && error.field ? ` (field: ${error.field})` : '';
  const status = error instanceof ApiError && error.status > 0 ? `${error.status} · ` : '';
  return (
    <div class="error-box" role="alert">
      <strong>{what ? `${what}: ` : ''}</strong>
      {error.message}
      {field}
      {status && <span class="muted small"> ({status}{error instanceof ApiError ? error.code : ''})</span>}
    </div>
  );
}

/** A feature whose API this server does not have yet (answered "no route"). */
export function Unavailable({ what }: { what: string }) {
  return (
    <div class="empty" role="status">
      <strong>{what}: not available on this server yet.</strong>
      <p class="muted">The API for it answers 404; it lights up here as soon as the server offers it.</p>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" role="status">
      <strong>{title}</strong>
      {children && <div class="muted">{children}</div>}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <div class="loading" role="status" aria-live="polite">{what}…</div>;
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'success' | 'warn' }) {
  return <div class={`notice notice-${kind}`} role="status">{children}</div>;
}
