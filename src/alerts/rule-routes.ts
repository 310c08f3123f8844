// Standalone alert rules: one metric against a threshold (or the baseline) for an agent/target,
// or page when an agent goes OFFLINE. Operators and Admins write; everyone reads.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import type { Queryable } from '../db/port.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, withErrors } from '../http/schemas.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { DEFAULT_DEVIATION_PCT } from './evaluate.js';
import { AlertRuleBody } from './schemas.js';
import { resolveAlert } from './events.js';
import { nullable } from './nullable.js';

export const RULE_METRICS = ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct', 'baseline_deviation'] as const;
const Severity = Type.String({ enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] });

const RuleFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.String({ enum: ['threshold', 'agent_offline'], default: 'threshold', description: 'threshold (a metric against a limit or the baseline) or agent_offline' }),
  agent: nullable<string>(Type.String({ minLength: 1, maxLength: 64 }), 'an agent id or name; null: every agent'),
  target: nullable<string>(Type.String({ minLength: 1, maxLength: 255 }), 'the target as tests name it; null: every target'),
  metric: nullable<string>(Type.String({ enum: [...RULE_METRICS] }), 'for kind threshold'),
  threshold: nullable<number>(Type.Number({ minimum: 0, maximum: 1e9 }), 'download/upload: minimum Mbps; latency/jitter: maximum ms; loss: maximum %'),
  deviation_pct: nullable<number>(Type.Number({ exclusiveMinimum: 0, maximum: 100 }), `for baseline_deviation: fires below baseline × (1 − pct/100); default ${DEFAULT_DEVIATION_PCT}`),
  consecutive_failures: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  severity: nullable<string>(Severity, 'null: DEFAULT_SEVERITY'),
  notify_contact_list: nullable<string>(Type.String({ minLength: 1, maxLength: 200 }), 'null: DEFAULT_CONTACT_LIST'),
  enabled: Type.Boolean({ default: true }),
};

const RuleCreate = Type.Object({
  ...RuleFields,
  kind: Type.Optional(RuleFields.kind),
  agent: Type.Optional(RuleFields.agent),
  target: Type.Optional(RuleFields.target),
  metric: Type.Optional(RuleFields.metric),
  threshold: Type.Optional(RuleFields.threshold),
  deviation_pct: Type.Optional(RuleFields.deviation_pct),
  consecutive_failures: Type.Optional(RuleFields.consecutive_failures),
  severity: Type.Optional(RuleFields.severity),
  notify_contact_list: Type.Optional(RuleFields.notify_contact_list),
  enabled: Type.Optional(RuleFields.enabled),
}, { additionalProperties: false });
const RulePatch = Type.Partial(Type.Object(RuleFields), { additionalProperties: false, minProperties: 1 });
type RuleInput = Partial<Static<typeof RuleCreate>>;


interface RuleRow {
  id: number; name: string; kind: string; agent_id: string | null; agent_name: string | null; target: string | null; metric: string | null; threshold: number | null;
  deviation_pct: number | null; consecutive_failures: number; severity: string | null; notify_contact_list: string | null; enabled: boolean; created_at: Date; updated_at: Date;
}

const SELECT = 'SELECT r.*, a.name AS agent_name FROM alert_rules r LEFT JOIN agents a ON a.id = r.agent_id';

const present = (r: RuleRow) => ({
  id: r.id, name: r.name, kind: r.kind, agent: r.agent_id, agent_name: r.agent_name, target: r.target, metric: r.metric, threshold: r.threshold, deviation_pct: r.deviation_pct,
  consecutive_failures: r.consecutive_failures, severity: r.severity, notify_contact_list: r.notify_contact_list, enabled: r.enabled,
  created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(),
});

/** Cross-field checks on the merged rule; returns the normalised columns. */
async function normalise(db: Queryable, rule: RuleInput) {
  const kind = rule.kind ?? 'threshold';
  let agentId: string | null = null;
  if (rule.agent) {
    const agent = await findAgentByIdOrName(db, rule.agent);
    if (!agent || agent.retired_at) throw badRequest('agent', 'no such agent');
    agentId = agent.id;
  }
  let metric = rule.metric ?? null;
  let threshold = rule.threshold ?? null;
  let deviation = rule.deviation_pct ?? null;
  if (kind === 'agent_offline') {
    if (rule.target) throw badRequest('target', 'an agent_offline rule applies to agents, not targets');
    metric = null; threshold = null; deviation = null;
  } else if (metric === null) {
    throw badRequest('metric', `required: one of ${RULE_METRICS.join(', ')}`);
  } else if (metric === 'baseline_deviation') {
    deviation ??= DEFAULT_DEVIATION_PCT;
    threshold = null;
  } else {
    if (threshold === null) throw badRequest('threshold', `required for ${metric}`);
    if (metric === 'loss_pct' && threshold > 100) throw badRequest('threshold', 'a packet loss limit is a percentage (0-100)');
    deviation = null;
  }
  return {
    name: rule.name!.trim(), kind, agent_id: agentId, target: kind === 'agent_offline' ? null : rule.target?.trim() || null, metric, threshold, deviation_pct: deviation,
    consecutive_failures: rule.consecutive_failures ?? 1, severity: rule.severity ?? null, notify_contact_list: rule.notify_contact_list?.trim() || null, enabled: rule.enabled ?? true,
  };
}

const COLUMNS = ['name', 'kind', 'agent_id', 'target', 'metric', 'threshold', 'deviation_pct', 'consecutive_failures', 'severity', 'notify_contact_list', 'enabled'] as const;

export function alertRuleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/alert-rules', {
      config: { access: 'viewer' },
      schema: { tags: ['alerts'], summary: 'Standalone alert rules', response: withErrors({ 200: Type.Array(AlertRuleBody) }, [401]) },
    }, async () => (await ctx.db.query<RuleRow>(`${SELECT} ORDER BY r.id`)).map(present));

    app.get('/api/speed/alert-rules/:id', {
      config: { access: 'viewer' },
      schema: { tags: ['alerts'], summary: 'One alert rule', params: IdParams, response: withErrors({ 200: AlertRuleBody }) },
    }, async (request) => {
      const [row] = await ctx.db.query<RuleRow>(`${SELECT} WHERE r.id = $1`, [request.params.id]);
      if (!row) throw notFound(`alert rule ${request.params.id}`);
      return present(row);
    });

    app.post('/api/speed/alert-rules', {
      config: { access: 'operator' },
      schema: { tags: ['alerts'], summary: 'Create an alert rule', body: RuleCreate, response: withErrors({ 201: AlertRuleBody }) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const row = await ctx.db.transaction(async (tx) => {
        const v = await normalise(tx, request.body);
        const [inserted] = await tx.query<{ id: number }>(
          `INSERT INTO alert_rules (${COLUMNS.join(', ')}, created_by) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, $${COLUMNS.length + 1}) RETURNING id`,
          [...COLUMNS.map((c) => v[c]), user.userId],
        );
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'alert_rule.create', targetType: 'alert_rule', targetId: inserted!.id, details: v });
        return (await tx.query<RuleRow>(`${SELECT} WHERE r.id = $1`, [inserted!.id]))[0]!;
      });
      return reply.code(201).send(present(row));
    });

    app.patch('/api/speed/alert-rules/:id', {
      config: { access: 'operator' },
      schema: { tags: ['alerts'], summary: 'Change an alert rule (only the fields given)', params: IdParams, body: RulePatch, response: withErrors({ 200: AlertRuleBody }) },
    }, async (request) => {
      const user = currentUser(request);
      const row = await ctx.db.transaction(async (tx) => {
        const [current] = await tx.query<RuleRow>(`${SELECT} WHERE r.id = $1 FOR UPDATE OF r`, [request.params.id]);
        if (!current) throw notFound(`alert rule ${request.params.id}`);
        const merged: RuleInput = { ...present(current), agent: current.agent_id, ...request.body } as RuleInput;
        // Switching metric drops the other kind's number unless the patch sets it.
        if (request.body.metric === 'baseline_deviation' && request.body.threshold === undefined) merged.threshold = null;
        if (request.body.metric && request.body.metric !== 'baseline_deviation' && request.body.deviation_pct === undefined) merged.deviation_pct = null;
        const v = await normalise(tx, merged);
        await tx.query(`UPDATE alert_rules SET ${COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [request.params.id, ...COLUMNS.map((c) => v[c])]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'alert_rule.update', targetType: 'alert_rule', targetId: request.params.id, details: request.body });
        return (await tx.query<RuleRow>(`${SELECT} WHERE r.id = $1`, [request.params.id]))[0]!;
      });
      return present(row);
    });

    app.delete('/api/speed/alert-rules/:id', {
      config: { access: 'operator' },
      schema: { tags: ['alerts'], summary: 'Delete an alert rule (its open alerts are resolved)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const user = currentUser(request);
      await ctx.db.transaction(async (tx) => {
        const [exists] = await tx.query('SELECT id FROM alert_rules WHERE id = $1 FOR UPDATE', [request.params.id]);
        if (!exists) throw notFound(`alert rule ${request.params.id}`);
        // Its open alerts can no longer recover: resolve them (and tell Flux Notify) now.
        const open = await tx.query<{ dedup_key: string }>(`SELECT dedup_key FROM alerts WHERE rule_id = $1 AND state = 'open'`, [request.params.id]);
        for (const alert of open) await resolveAlert(tx, alert.dedup_key, new Date(), { reason: `rule deleted by ${user.username}` });
        await tx.query('DELETE FROM alert_rules WHERE id = $1', [request.params.id]);
        await tx.query('DELETE FROM alert_streaks WHERE left(dedup_key, $2) = $1', [`rule:${request.params.id}:`, `rule:${request.params.id}:`.length]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'alert_rule.delete', targetType: 'alert_rule', targetId: request.params.id });
      });
      return reply.code(204).send(null);
    });
  };
}
