import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { isUniqueViolation } from '../db/port.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { IdParams, Timestamp, withErrors } from '../http/schemas.js';
import { speedtestTargetError, urlError } from '../measurements/validators.js';

const TargetBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String({ enum: ['http', 'iperf3'] }),
  address: Type.String(),
  location: Type.String(),
  auto: Type.Boolean({ description: 'a candidate for target "auto"' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'letters, digits, . _ - ; used as `target` in tests and schedules' });
const Input = Type.Object({
  name: Name,
  kind: Type.String({ enum: ['http', 'iperf3'] }),
  address: Type.String({ minLength: 1, maxLength: 2048, description: 'http: an http(s) URL; iperf3: host, host:port or [v6]:port' }),
  location: Type.Optional(Type.String({ maxLength: 200 })),
  auto: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

interface TargetRow { id: number; name: string; kind: 'http' | 'iperf3'; address: string; location: string; auto: boolean; created_at: Date; updated_at: Date }
const present = (t: TargetRow) => ({ ...t, created_at: t.created_at.toISOString(), updated_at: t.updated_at.toISOString() });

function checkAddress(kind: string, address: string) {
  const problem = kind === 'http' ? urlError(address) : /^https?:/i.test(address) ? 'an iperf3 target is host or host:port, not a URL' : speedtestTargetError(address);
  if (problem) throw badRequest('address', problem);
}

export const listTargets = (ctx: AppContext) => ctx.db.query<TargetRow>('SELECT * FROM speed_targets ORDER BY lower(name)');

/** The Admin-managed speedtest targets (DESIGN §12). */
export function targetRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const write = async (fn: () => Promise<TargetRow | undefined>) => {
    try {
      return await fn();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('a target with this name exists', 'name');
      throw error;
    }
  };
  return async (app) => {
    app.get('/api/speed/targets', {
      config: { access: 'viewer' },
      schema: { tags: ['targets'], summary: 'Speedtest targets known by name (HTTP endpoints and iPerf3 servers)', response: withErrors({ 200: Type.Array(TargetBody) }, [401]) },
    }, async () => (await listTargets(ctx)).map(present));

    app.post('/api/speed/targets', {
      config: { access: 'admin' },
      schema: { tags: ['targets'], summary: 'Add a speedtest target', body: Input, response: withErrors({ 201: TargetBody, 409: Type.Ref('Error') }, [400, 401, 403]) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const b = request.body;
      checkAddress(b.kind, b.address);
      const row = await write(() => ctx.db.transaction(async (tx) => {
        const [created] = await tx.query<TargetRow>('INSERT INTO speed_targets (name, kind, address, location, auto) VALUES ($1, $2, $3, $4, $5) RETURNING *', [b.name, b.kind, b.address, b.location ?? '', b.auto ?? true]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'target.create', targetType: 'target', targetId: created!.id, details: { name: b.name, kind: b.kind, address: b.address } });
        return created;
      }));
      return reply.code(201).send(present(row!));
    });

    app.put('/api/speed/targets/:id', {
      config: { access: 'admin' },
      schema: { tags: ['targets'], summary: 'Replace a speedtest target', params: IdParams, body: Input, response: withErrors({ 200: TargetBody, 409: Type.Ref('Error') }) },
    }, async (request) => {
      const user = currentUser(request);
      const b = request.body;
      checkAddress(b.kind, b.address);
      const row = await write(() => ctx.db.transaction(async (tx) => {
        const [updated] = await tx.query<TargetRow>(
          'UPDATE speed_targets SET name = $2, kind = $3, address = $4, location = $5, auto = $6, updated_at = now() WHERE id = $1 RETURNING *',
          [request.params.id, b.name, b.kind, b.address, b.location ?? '', b.auto ?? true]);
        if (updated) await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'target.update', targetType: 'target', targetId: updated.id, details: { name: b.name, kind: b.kind, address: b.address } });
        return updated;
      }));
      if (!row) throw notFound(`target ${request.params.id}`);
      return present(row);
    });

    app.delete('/api/speed/targets/:id', {
      config: { access: 'admin' },
      schema: { tags: ['targets'], summary: 'Remove a speedtest target (results measured against it are kept)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const deleted = await ctx.db.transaction(async (tx) => {
        const rows = await tx.query<{ name: string }>('DELETE FROM speed_targets WHERE id = $1 RETURNING name', [request.params.id]);
        if (rows[0]) await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'target.delete', targetType: 'target', targetId: request.params.id, details: { name: rows[0].name } });
        return rows.length > 0;
      });
      if (!deleted) throw notFound(`target ${request.params.id}`);
      return reply.code(204).send(null);
    });
  };
}
