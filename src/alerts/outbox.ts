import type { Queryable } from '../db/port.js';

export type AlertEvent = 'alert.fired' | 'alert.resolved';

/**
 * Queues an alert's fire or resolve for Flux Notify and every enabled webhook, in the caller's
 * transaction (so a notification exists exactly when the alert change committed). The idempotency
 * key makes a second enqueue of the same event a no-op and is sent to the receiver.
 */
export async function enqueueAlertEvent(tx: Queryable, alertId: number, event: AlertEvent): Promise<void> {
  const key = `flux-speed:alert:${alertId}:${event}`;
  await tx.query(
    `INSERT INTO notify_outbox (event, alert_id, destination, idempotency_key) VALUES ($1, $2, 'flux_notify', $3) ON CONFLICT (idempotency_key) DO NOTHING`,
    [event, alertId, `${key}:flux_notify`],
  );
  await tx.query(
    `INSERT INTO notify_outbox (event, alert_id, destination, webhook_id, idempotency_key)
     SELECT $1, $2, 'webhook', id, $3::text || ':webhook:' || id FROM webhooks WHERE enabled
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [event, alertId, key],
  );
}

/** Queues a test notification to one webhook. */
export async function enqueueWebhookTest(tx: Queryable, webhookId: number, nonce: string): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO notify_outbox (event, destination, webhook_id, idempotency_key) VALUES ('test', 'webhook', $1, $2) RETURNING id`,
    [webhookId, `flux-speed:test:${webhookId}:${nonce}`],
  );
  return row!.id;
}
