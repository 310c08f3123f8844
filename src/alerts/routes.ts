import type { AlertRow as BaseAlertRow } from './alert-row.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { conflict, notFound } from '../http/errors.js';
import { IdParams, NullableTimestamp, Timestamp, withErrors } from '../http/schemas.js';

export const AlertBody = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'threshold, baseline or agent_offline' }),
  state: Type.String({ description: 'open or resolved' }),
  agent: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  target: Type.Union([Type.String(), Type.Null()]),
  metric: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  severity: Type.String(),
  contact_list: Type.Union([Type.String(), Type.Null()], { description: 'the Flux Notify contact list (null: the default)' }),
  notify: Type.Boolean({ description: 'sent to Flux Notify and the webhooks' }),
  incident_id: Type.Union([Type.String(), Type.Null()], { description: 'the incident Flux Notify created for it' }),
  title: Type.String(),
  opened_at: Timestamp,
  resolved_at: NullableTimestamp,
  acknowledged_at: NullableTimestamp,
  acknowledged_by: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

interface AlertRow extends BaseAlertRow {
  notify: boolean;
  acknowledged_at: Date | null;
  acknowledged_by_name: string | null;
}

const SELECT = `SELECT al.id, al.kind, al.state, al.agent_id, ag.name AS agent_name, al.target, al.metric, al.value, al.threshold, al.severity, al.contact_list, al.notify, al.notify_incident_id, al.title,
  al.opened_at, al.resolved_at, al.acknowledged_at, u.username AS acknowledged_by_name, al.details
  FROM alerts al LEFT JOIN agents ag ON ag.id = al.agent_id LEFT JOIN users u ON u.id = al.acknowledged_by`;

function present(row: AlertRow) {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    agent: row.agent_id ? { id: row.agent_id, name: row.agent_name ?? '' } : null,
    target: row.target,
    metric: row.metric,
    value: row.value,
    threshold: row.threshold,
    severity: row.severity,
    contact_list: row.contact_list,
    notify: row.notify,
    incident_id: row.notify_incident_id,
    title: row.title,
    opened_at: row.opened_at.toISOString(),
    resolved_at: row.resolved_at?.toISOString() ?? null,
    acknowledged_at: row.acknowledged_at?.toISOString() ?? null,
    acknowledged_by: row.acknowledged_by_name,
    details: row.details,
  };
}

export function alertRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/alerts', {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'Alert events (threshold breaches, baseline deviations, agents offline), newest first',
        querystring: Type.Object({
          state: Type.Optional(Type.String({ enum: ['open', 'resolved'] })),
          kind: Type.Optional(Type.String({ enum: ['threshold', 'baseline', 'agent_offline'] })),
          agent: Type.Optional(Type.String({ format: 'uuid' })),
          metric: Type.Optional(Type.String({ maxLength: 64 })),
          since: Type.Optional(Type.String({ format: 'date-time', description: 'opened at or after' })),
          before_id: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(AlertBody) }, [400, 401]),
      },
    }, async (request) => {
      const q = request.query;
      const rows = await ctx.db.query<AlertRow>(
        `${SELECT} WHERE ($1::text IS NULL OR al.state = $1) AND ($2::text IS NULL OR al.kind = $2) AND ($3::uuid IS NULL OR al.agent_id = $3)
           AND ($4::bigint IS NULL OR al.id < $4) AND ($6::text IS NULL OR al.metric = $6) AND ($7::timestamptz IS NULL OR al.opened_at >= $7)
         ORDER BY al.id DESC LIMIT $5`,
        [q.state ?? null, q.kind ?? null, q.agent ?? null, q.before_id ?? null, q.limit, q.metric ?? null, q.since ?? null],
      );
      return rows.map(present);
    });

    app.post('/api/speed/alerts/:id/ack', {
      config: { access: 'operator' },
      schema: { tags: ['alerts'], summary: 'Acknowledge an alert', params: IdParams, response: withErrors({ 200: AlertBody, 409: Type.Ref('Error') }) },
    }, async (request) => {
      const user = currentUser(request);
      const acked = await ctx.db.transaction(async (tx) => {
        const [row] = await tx.query<{ acknowledged_at: Date | null }>('SELECT acknowledged_at FROM alerts WHERE id = $1 FOR UPDATE', [request.params.id]);
        if (!row) throw notFound(`alert ${request.params.id}`);
        if (row.acknowledged_at) throw conflict('alert already acknowledged');
        await tx.query('UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1', [request.params.id, user.userId]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'alert.ack', targetType: 'alert', targetId: request.params.id });
        const [updated] = await tx.query<AlertRow>(`${SELECT} WHERE al.id = $1`, [request.params.id]);
        return updated!;
      });
      return present(acked);
    });
  };
}
