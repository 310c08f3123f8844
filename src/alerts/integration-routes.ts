// Admin: Flux Notify settings (stored over the environment's defaults; the API key is write-only),
// generic webhooks, and the delivery log.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, withErrors } from '../http/schemas.js';
import { enqueueWebhookTest } from './outbox.js';
import { notifySettings } from './settings.js';
import { DeliveryBody, SettingsBody, WebhookBody } from './schemas.js';
import { nullable } from './nullable.js';

const HttpUrl = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://[^\\s]+$', description: 'an http(s):// URL' });
const Severity = Type.String({ enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] });

const SettingsPut = Type.Object({
  url: Type.Optional(nullable<string>(HttpUrl, 'null: back to FLUX_NOTIFY_URL')),
  api_key: Type.Optional(nullable<string>(Type.String({ minLength: 1, maxLength: 1000 }), 'absent: unchanged; null: back to FLUX_NOTIFY_API_KEY')),
  default_severity: Type.Optional(nullable<string>(Severity, 'null: back to DEFAULT_SEVERITY')),
  default_contact_list: Type.Optional(nullable<string>(Type.String({ minLength: 1, maxLength: 200 }), 'null: back to DEFAULT_CONTACT_LIST')),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

const WebhookFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: HttpUrl,
  secret: nullable<string>(Type.String({ minLength: 8, maxLength: 500 }), 'signs each body with HMAC-SHA256; null: unsigned'),
  enabled: Type.Boolean(),
};
const WebhookCreate = Type.Object({ ...WebhookFields, secret: Type.Optional(WebhookFields.secret), enabled: Type.Optional(WebhookFields.enabled) }, { additionalProperties: false });
const WebhookPatch = Type.Partial(Type.Object(WebhookFields), { additionalProperties: false, minProperties: 1 });


interface WebhookRow { id: number; name: string; url: string; secret: string | null; enabled: boolean; created_at: Date }
const presentWebhook = (w: WebhookRow) => ({ id: w.id, kind: 'webhook' as const, name: w.name, url: w.url, secret_set: w.secret !== null, enabled: w.enabled, created_at: w.created_at.toISOString() });

export function integrationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const settingsView = async () => {
    const s = await notifySettings(ctx.db, ctx.config);
    const [row] = await ctx.db.query<{ url: string | null }>('SELECT url FROM notify_settings WHERE id = 1');
    return {
      flux_notify: {
        url: s.url, url_source: row?.url ? 'settings' : ctx.config.fluxNotify.url ? 'environment' : 'none', api_key_set: s.apiKey !== null,
        default_severity: s.defaultSeverity, default_contact_list: s.defaultContactList, enabled: s.enabled, updated_at: s.updatedAt?.toISOString() ?? null,
      },
    };
  };

  return async (app) => {
    app.get('/api/settings/integrations', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Flux Notify settings in force (the API key only as set / not set)', response: withErrors({ 200: SettingsBody }, [401, 403]) },
    }, settingsView);

    app.put('/api/settings/integrations', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Change the Flux Notify settings (fields left out keep their value)', body: SettingsPut, response: withErrors({ 200: SettingsBody }, [400, 401, 403]) },
    }, async (request) => {
      const user = currentUser(request);
      const b = request.body;
      if (b.url === undefined && b.api_key === undefined && b.default_severity === undefined && b.default_contact_list === undefined && b.enabled === undefined) throw badRequest('body', 'nothing to change');
      await ctx.db.transaction(async (tx) => {
        await tx.query('INSERT INTO notify_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
        const sets: string[] = [];
        const params: unknown[] = [];
        for (const [column, value] of [['url', b.url], ['api_key', b.api_key], ['default_severity', b.default_severity], ['default_contact_list', b.default_contact_list?.trim() ?? b.default_contact_list], ['enabled', b.enabled]] as const) {
          if (value === undefined) continue;
          params.push(value);
          sets.push(`${column} = $${params.length}`);
        }
        params.push(user.userId);
        await tx.query(`UPDATE notify_settings SET ${sets.join(', ')}, updated_by = $${params.length}, updated_at = now() WHERE id = 1`, params);
        const details: Record<string, unknown> = { ...b };
        if (b.api_key !== undefined) details.api_key = b.api_key === null ? 'cleared' : 'changed';
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'integrations.update', targetType: 'integration', targetId: 'flux_notify', details });
      });
      return settingsView();
    });

    app.get('/api/settings/integrations/deliveries', {
      config: { access: 'admin' },
      schema: {
        tags: ['integrations'],
        summary: 'Notifications to Flux Notify and webhooks with every delivery attempt, newest first',
        querystring: Type.Object({
          state: Type.Optional(Type.String({ enum: ['pending', 'delivered', 'skipped'] })),
          alert: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(DeliveryBody) }, [400, 401, 403]),
      },
    }, async (request) => {
      const q = request.query;
      const rows = await ctx.db.query<{ id: number; event: string; destination: string; webhook_id: number | null; webhook_name: string | null; alert_id: number | null; idempotency_key: string; state: string; attempts: number; next_attempt_at: Date; last_error: string | null; created_at: Date; delivered_at: Date | null }>(
        `SELECT o.*, w.name AS webhook_name FROM notify_outbox o LEFT JOIN webhooks w ON w.id = o.webhook_id
          WHERE ($1::text IS NULL OR o.state = $1) AND ($2::bigint IS NULL OR o.alert_id = $2) ORDER BY o.id DESC LIMIT $3`,
        [q.state ?? null, q.alert ?? null, q.limit],
      );
      const attempts = rows.length === 0 ? [] : await ctx.db.query<{ outbox_id: number; at: Date; status_code: number | null; error: string | null; duration_ms: number }>(
        `SELECT outbox_id, at, status_code, error, duration_ms FROM notify_attempts WHERE outbox_id >= $1 AND outbox_id <= $2 ORDER BY id`,
        [Math.min(...rows.map((r) => r.id)), Math.max(...rows.map((r) => r.id))],
      );
      return rows.map((r) => ({
        id: r.id, event: r.event, destination: r.destination, webhook: r.webhook_id ? { id: r.webhook_id, name: r.webhook_name ?? '' } : null, alert_id: r.alert_id,
        idempotency_key: r.idempotency_key, state: r.state, attempts: r.attempts, next_attempt_at: r.state === 'pending' ? r.next_attempt_at.toISOString() : null,
        last_error: r.last_error, created_at: r.created_at.toISOString(), delivered_at: r.delivered_at?.toISOString() ?? null,
        history: attempts.filter((a) => a.outbox_id === r.id).map((a) => ({ at: a.at.toISOString(), status_code: a.status_code, error: a.error, duration_ms: a.duration_ms })),
      }));
    });

    app.get('/api/speed/integrations', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Outgoing webhooks', response: withErrors({ 200: Type.Array(WebhookBody) }, [401, 403]) },
    }, async () => (await ctx.db.query<WebhookRow>('SELECT * FROM webhooks ORDER BY id')).map(presentWebhook));

    app.post('/api/speed/integrations', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Add a webhook: every alert fire and resolve is POSTed to it as JSON', body: WebhookCreate, response: withErrors({ 201: WebhookBody }, [400, 401, 403]) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const b = request.body;
      const row = await ctx.db.transaction(async (tx) => {
        const [w] = await tx.query<WebhookRow>('INSERT INTO webhooks (name, url, secret, enabled, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [b.name.trim(), b.url, b.secret ?? null, b.enabled ?? true, user.userId]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'webhook.create', targetType: 'webhook', targetId: w!.id, details: { name: b.name, url: b.url, secret: b.secret ? 'set' : 'none' } });
        return w!;
      });
      return reply.code(201).send(presentWebhook(row));
    });

    app.patch('/api/speed/integrations/:id', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Change a webhook', params: IdParams, body: WebhookPatch, response: withErrors({ 200: WebhookBody }, [400, 401, 403, 404]) },
    }, async (request) => {
      const user = currentUser(request);
      const b = request.body;
      const row = await ctx.db.transaction(async (tx) => {
        const [w] = await tx.query<WebhookRow>(
          `UPDATE webhooks SET name = COALESCE($2, name), url = COALESCE($3, url), secret = CASE WHEN $4::boolean THEN $5 ELSE secret END, enabled = COALESCE($6, enabled), updated_at = now()
            WHERE id = $1 RETURNING *`,
          [request.params.id, b.name?.trim() ?? null, b.url ?? null, b.secret !== undefined, b.secret ?? null, b.enabled ?? null],
        );
        if (!w) throw notFound(`webhook ${request.params.id}`);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'webhook.update', targetType: 'webhook', targetId: w.id, details: { ...b, ...(b.secret !== undefined ? { secret: b.secret ? 'changed' : 'cleared' } : {}) } });
        return w;
      });
      return presentWebhook(row);
    });

    app.delete('/api/speed/integrations/:id', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Remove a webhook (its undelivered notifications go with it)', params: IdParams, response: withErrors({ 204: Type.Null() }, [400, 401, 403, 404]) },
    }, async (request, reply) => {
      const user = currentUser(request);
      await ctx.db.transaction(async (tx) => {
        const rows = await tx.query('DELETE FROM webhooks WHERE id = $1 RETURNING id', [request.params.id]);
        if (rows.length === 0) throw notFound(`webhook ${request.params.id}`);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'webhook.delete', targetType: 'webhook', targetId: request.params.id });
      });
      return reply.code(204).send(null);
    });

    app.post('/api/speed/integrations/:id/test', {
      config: { access: 'admin' },
      schema: { tags: ['integrations'], summary: 'Queue a test notification to a webhook (see the delivery log)', params: IdParams, response: withErrors({ 202: Type.Object({ delivery_id: Type.Integer() }) }, [400, 401, 403, 404]) },
    }, async (request, reply) => {
      const [w] = await ctx.db.query<{ id: number }>('SELECT id FROM webhooks WHERE id = $1', [request.params.id]);
      if (!w) throw notFound(`webhook ${request.params.id}`);
      const id = await ctx.db.transaction((tx) => enqueueWebhookTest(tx, w.id, randomUUID()));
      return reply.code(202).send({ delivery_id: id });
    });
  };
}
