import type { Queryable } from '../db/port.js';

export interface AuditActor {
  id: number | null;
  name: string;
  ip?: string | undefined;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
}

/** Records who changed what, when and from where. Call it in the same transaction as the change. */
export async function audit(db: Queryable, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, details, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [actor.id, actor.name, entry.action, entry.targetType ?? null, entry.targetId === undefined ? null : String(entry.targetId), JSON.stringify(entry.details ?? {}), actor.ip ?? null],
  );
}

export const SYSTEM_ACTOR: AuditActor = { id: null, name: 'system' };
