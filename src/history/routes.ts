import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { badRequest } from '../http/errors.js';
import { withErrors } from '../http/schemas.js';
import { METRIC_NAMES } from '../measurements/metrics.js';
import { csvChunks, csvDigest } from './report-csv.js';
import { loadReport, type ReportQuery } from './report-data.js';
import { chartSeries, engineList, renderPdf } from './report-pdf.js';
import { loadTrend, TREND_WINDOWS, type TrendWindow } from './trends.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const TrendPointBody = Type.Object({
  t: Type.String({ format: 'date-time', description: 'the result time (raw) or the bucket start (UTC)' }),
  avg: Nullable(Type.Number()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  p50: Nullable(Type.Number()),
  p95: Nullable(Type.Number()),
  count: Type.Integer({ description: 'values averaged (completed results outside maintenance)' }),
  failed: Type.Integer({ description: 'failed results in the bucket' }),
});
export const TrendBody = Type.Object({
  agent: Type.Object({ id: Type.String(), name: Type.String() }),
  target: Nullable(Type.String()),
  metric: Type.String(),
  window: Type.String(),
  granularity: Type.String({ description: 'raw, hour, day or week' }),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  points: Type.Array(TrendPointBody),
  baseline: Nullable(Type.Object({ value: Type.Number(), sample_count: Type.Integer(), reliable: Type.Boolean() })),
  thresholds: Nullable(Type.Object({ min: Nullable(Type.Number()), max: Nullable(Type.Number()), source: Type.String() })),
});

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** ISO 8601 date or date-time, UTC unless an offset is given; a bare `end` date includes that day. */
export function parseReportTime(field: 'start' | 'end', text: string): Date {
  let ms: number;
  if (DATE_ONLY.test(text)) ms = Date.parse(`${text}T00:00:00Z`) + (field === 'end' ? 86_400_000 : 0);
  else if (DATE_TIME.test(text)) ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`);
  else throw badRequest(field, 'expected an ISO 8601 date (2026-01-31) or date-time (2026-01-31T12:00:00Z)');
  if (!Number.isFinite(ms)) throw badRequest(field, 'not a valid date');
  return new Date(ms);
}

const MAX_REPORT_MONTHS = 13;

export function historyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/trends', {
      config: { access: 'viewer' },
      schema: {
        tags: ['history'],
        summary: 'One metric of one agent (and target) over 6h/24h (per result), 7d (hourly), 30d (daily) or 12m (weekly), with baseline and thresholds',
        querystring: Type.Object({
          agent: Type.String({ minLength: 1, maxLength: 64, description: 'agent name or id' }),
          target: Type.Optional(Type.String({ maxLength: 512, description: 'empty: every target of the agent' })),
          metric: Type.String({ enum: [...METRIC_NAMES] }),
          window: Type.String({ enum: Object.keys(TREND_WINDOWS) }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: TrendBody }, [400, 401, 403]),
      },
    }, async (request) => {
      const q = request.query;
      const agent = await findAgentByIdOrName(ctx.db, q.agent);
      if (!agent) throw badRequest('agent', 'no such agent');
      return loadTrend(ctx.db, { agent: { id: agent.id, name: agent.name }, target: q.target || undefined, metric: q.metric, window: q.window as TrendWindow });
    });

    app.get('/api/speed/report', {
      config: { access: 'viewer' },
      schema: {
        tags: ['history'],
        summary: 'SLA report for a period: summary, SLA comparison, breach log, charts (PDF) or every raw result (CSV). The PDF states the SHA-256 of the CSV of the same query.',
        querystring: Type.Object({
          agent: Type.Optional(Type.String({ maxLength: 64, description: 'agent name or id; empty: every agent' })),
          target: Type.Optional(Type.String({ maxLength: 512, description: 'empty: every target' })),
          start: Type.String({ maxLength: 40, description: 'ISO 8601 date or date-time, UTC' }),
          end: Type.String({ maxLength: 40, description: 'ISO 8601 date (that whole day included) or date-time, UTC; at most 13 months after start' }),
          format: Type.String({ enum: ['pdf', 'csv'], default: 'pdf' }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Unknown({ description: 'application/pdf or text/csv' }) }, [400, 401, 403]),
      },
    }, async (request, reply) => {
      const q = request.query;
      const start = parseReportTime('start', q.start);
      const end = parseReportTime('end', q.end);
      if (end.getTime() <= start.getTime()) throw badRequest('end', 'must be after start');
      const limit = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + MAX_REPORT_MONTHS, start.getUTCDate(), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds());
      if (end.getTime() > limit) {
        throw badRequest('end', `the range may not exceed ${MAX_REPORT_MONTHS} months`);
      }
      let agent: ReportQuery['agent'] = null;
      if (q.agent) {
        const found = await findAgentByIdOrName(ctx.db, q.agent);
        if (!found) throw badRequest('agent', 'no such agent');
        agent = { id: found.id, name: found.name };
      }
      const query: ReportQuery = { agent, target: q.target || null, start, end };
      const base = `flux-speed-report-${(agent?.name ?? 'all').replace(/[^A-Za-z0-9._-]/g, '_')}-${q.start.slice(0, 10)}-${q.end.slice(0, 10)}`;
      const data = await loadReport(ctx.db, query);
      if (q.format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${base}.csv"`);
        return reply.send(Readable.from(csvChunks(ctx.db, query, data)));
      }
      const digest = await csvDigest(ctx.db, query, data);
      const [charts, engines] = [await chartSeries(ctx.db, query), await engineList(ctx.db, query)];
      const doc = renderPdf({ query, data, digest, charts, engines, generatedAt: new Date() });
      reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${base}.pdf"`).header('x-csv-sha256', digest.sha256);
      return reply.send(doc);
    });
  };
}
