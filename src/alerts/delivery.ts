// Delivers the notification outbox: Flux Notify incidents and webhook posts, with retries and a
// capped exponential backoff. Every attempt is recorded; nothing is dropped while a receiver is down.
import type { AlertRow } from './alert-row.js';
import { createHmac } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import type { PeriodicTask } from '../worker/periodic.js';
import { notifySettings, type NotifySettings } from './settings.js';

interface OutboxRow {
  id: number;
  event: string;
  alert_id: number | null;
  destination: 'flux_notify' | 'webhook';
  webhook_id: number | null;
  idempotency_key: string;
  attempts: number;
  /** The claim this pass holds on the row (its token: another pass that took the row over changed it). */
  claimed_until: Date;
}


interface Request {
  url: string;
  headers: Record<string, string>;
  body: string;
}

type Plan = { send: Request; onSuccess?: (response: unknown) => Promise<void> } | { skip: string };

/** Delay before attempt n+1 after n failed attempts: base × 2^(n−1), capped. */
export function backoffMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, failedAttempts - 1)));
}

const alertLink = (publicUrl: string, alertId: number) => `${publicUrl}/alerts?alert=${alertId}`;

function alertJson(alert: AlertRow, publicUrl: string) {
  return {
    id: alert.id,
    kind: alert.kind,
    state: alert.state,
    title: alert.title,
    severity: alert.severity,
    agent: alert.agent_id ? { id: alert.agent_id, name: alert.agent_name ?? '' } : null,
    target: alert.target,
    metric: alert.metric,
    value: alert.value,
    threshold: alert.threshold,
    opened_at: alert.opened_at.toISOString(),
    resolved_at: alert.resolved_at?.toISOString() ?? null,
    link: alertLink(publicUrl, alert.id),
  };
}

async function plan(ctx: AppContext, row: OutboxRow, settings: NotifySettings): Promise<Plan> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': row.idempotency_key, 'user-agent': 'flux-speed' };
  let alert: AlertRow | undefined;
  if (row.alert_id !== null) {
    [alert] = await ctx.db.query<AlertRow>(
      `SELECT al.*, ag.name AS agent_name FROM alerts al LEFT JOIN agents ag ON ag.id = al.agent_id WHERE al.id = $1`, [row.alert_id],
    );
    if (!alert) return { skip: 'the alert no longer exists' };
  }
  if (row.destination === 'webhook') {
    const [hook] = await ctx.db.query<{ url: string; secret: string | null; enabled: boolean }>('SELECT url, secret, enabled FROM webhooks WHERE id = $1', [row.webhook_id]);
    if (!hook) return { skip: 'the webhook was removed' };
    const body = JSON.stringify({
      event: row.event,
      idempotency_key: row.idempotency_key,
      sent_by: 'flux-speed',
      ...(alert ? { alert: { ...alertJson(alert, ctx.config.publicUrl), contact_list: alert.contact_list ?? settings.defaultContactList } } : { message: 'Test notification from Flux Speed' }),
    });
    if (hook.secret) headers['x-flux-speed-signature'] = `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`;
    headers['x-flux-speed-event'] = row.event;
    return { send: { url: hook.url, headers, body } };
  }
  if (!alert) return { skip: 'nothing to send' };
  if (!settings.url || !settings.enabled) return { skip: 'Flux Notify is not configured' };
  const base = settings.url.replace(/\/+$/, '');
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  if (row.event === 'alert.fired') {
    const a = alertJson(alert, ctx.config.publicUrl);
    return {
      send: {
        url: `${base}/api/incidents`,
        headers,
        body: JSON.stringify({
          title: alert.title, severity: alert.severity, contact_list: alert.contact_list ?? settings.defaultContactList, source: 'flux-speed',
          agent: a.agent?.name ?? null, agent_id: a.agent?.id ?? null, target: a.target, metric: a.metric, value: a.value, threshold: a.threshold,
          link: a.link, alert_id: alert.id, alert_kind: alert.kind, opened_at: a.opened_at,
        }),
      },
      onSuccess: async (response) => {
        const id = (response as { id?: unknown } | null)?.id;
        if (typeof id === 'string' || typeof id === 'number') await ctx.db.query('UPDATE alerts SET notify_incident_id = $2 WHERE id = $1', [alert.id, String(id)]);
      },
    };
  }
  if (!alert.notify_incident_id) return { skip: 'Flux Notify never returned an incident for this alert' };
  return {
    send: {
      url: `${base}/api/incidents/${encodeURIComponent(alert.notify_incident_id)}/resolve`,
      headers,
      body: JSON.stringify({ alert_id: alert.id, resolved_at: alert.resolved_at?.toISOString() ?? new Date().toISOString(), note: `Recovered: ${alert.title}`, link: alertLink(ctx.config.publicUrl, alert.id) }),
    },
  };
}

/** Claims due rows; a resolve waits until the same alert's earlier notification is done. */
async function claim(ctx: AppContext, now: Date, limit: number): Promise<OutboxRow[]> {
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<OutboxRow>(
      `SELECT o.id, o.event, o.alert_id, o.destination, o.webhook_id, o.idempotency_key, o.attempts FROM notify_outbox o
        WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND (o.claimed_until IS NULL OR o.claimed_until < $1)
          AND NOT EXISTS (SELECT 1 FROM notify_outbox p WHERE p.state = 'pending' AND p.id < o.id AND p.alert_id = o.alert_id
                          AND p.destination = o.destination AND p.webhook_id IS NOT DISTINCT FROM o.webhook_id)
        ORDER BY o.id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    const until = new Date(now.getTime() + (ctx.config.notifyDelivery.timeoutS + 30) * 1000);
    for (const row of rows) {
      await tx.query('UPDATE notify_outbox SET claimed_until = $2 WHERE id = $1', [row.id, until]);
      row.claimed_until = until;
    }
    return rows;
  });
}

export interface DeliveryReport { delivered: number; failed: number; skipped: number }

/** One pass over the due notifications. `now` decides what is due (tests move it forward). */
export async function deliverDue(ctx: AppContext, options: { now?: Date; limit?: number; signal?: AbortSignal } = {}): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const report: DeliveryReport = { delivered: 0, failed: 0, skipped: 0 };
  const rows = await claim(ctx, now, options.limit ?? 50);
  if (rows.length === 0) return report;
  const settings = await notifySettings(ctx.db, ctx.config);
  const { retryBaseMs, retryMaxS, timeoutS } = ctx.config.notifyDelivery;
  for (const row of rows) {
    // A pass over many rows to a Flux Notify that hangs can outlast the batch's claim, and another
    // worker may then take the rows not reached yet: renew the claim of each row just before
    // sending it, and leave it alone when it is no longer ours (else it would be sent twice).
    const renewed = new Date(Math.max(now.getTime(), Date.now()) + (timeoutS + 30) * 1000);
    const ours = await ctx.db.query(
      `UPDATE notify_outbox SET claimed_until = $3 WHERE id = $1 AND state = 'pending' AND claimed_until = $2 RETURNING id`,
      [row.id, row.claimed_until, renewed],
    );
    if (ours.length === 0) continue;
    const p = await plan(ctx, row, settings);
    if ('skip' in p) {
      await ctx.db.query(`UPDATE notify_outbox SET state = 'skipped', last_error = $2, claimed_until = NULL WHERE id = $1`, [row.id, p.skip]);
      report.skipped++;
      continue;
    }
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    let answer: unknown = null;
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutS * 1000)]) : AbortSignal.timeout(timeoutS * 1000);
      const response = await fetch(p.send.url, { method: 'POST', headers: p.send.headers, body: p.send.body, signal, redirect: 'manual' });
      status = response.status;
      const text = await response.text();
      if (response.ok) {
        try { answer = text ? JSON.parse(text) : null; } catch { answer = null; }
      } else {
        error = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      }
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      error = cause?.code ?? cause?.message ?? (e as Error).message;
    }
    const durationMs = Date.now() - started;
    await ctx.db.query('INSERT INTO notify_attempts (outbox_id, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)', [row.id, new Date(started), status, error, durationMs]);
    if (error === null) {
      await p.onSuccess?.(answer);
      await ctx.db.query(`UPDATE notify_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = $2, last_error = NULL, claimed_until = NULL WHERE id = $1`, [row.id, new Date()]);
      report.delivered++;
    } else {
      const next = new Date(now.getTime() + backoffMs(row.attempts + 1, retryBaseMs, retryMaxS * 1000));
      await ctx.db.query('UPDATE notify_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL WHERE id = $1', [row.id, error, next]);
      ctx.log.warn({ outbox: row.id, destination: row.destination, error }, 'notification delivery failed; will retry');
      report.failed++;
    }
  }
  return report;
}

export function deliveryTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'alerts.delivery',
    everyMs: ctx.config.notifyDelivery.intervalMs,
    run: async (signal) => {
      // Drain what is due, a batch at a time, within one tick.
      for (let i = 0; i < 20 && !signal.aborted; i++) {
        const r = await deliverDue(ctx, { signal });
        if (r.delivered + r.failed + r.skipped === 0) break;
      }
    },
  };
}
