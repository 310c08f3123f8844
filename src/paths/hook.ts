import type { Queryable } from '../db/port.js';
import type { Run } from '../runs/repository.js';
import type { StoredResult } from '../runs/results.js';
import type { ResultHook } from '../runs/service.js';
import { pathChanged, type Path } from '../engines/trace/path.js';

/**
 * After a trace is stored: when its hop list differs from the previous trace of the same agent
 * and target, record a path-change event (in the same transaction as the result).
 */
export const recordPathChange: ResultHook = async (tx, stored) => {
  // One trace after another: a second trace of the same path in the batch compares with the first.
  for (const { run, result } of stored) if (result.kind === 'trace' && result.status === 'completed') await recordOne(tx, run, result);
};

async function recordOne(tx: Queryable, run: Run, result: StoredResult): Promise<void> {
  const current = result.details.path as Path | undefined;
  if (!Array.isArray(current)) return;
  const [previous] = await tx.query<{ run_id: string; path: Path | null }>(
    `SELECT run_id, details->'path' AS path FROM results
      WHERE agent_id = $1 AND target = $2 AND kind = 'trace' AND status = 'completed' AND measured_at < $3
      ORDER BY measured_at DESC LIMIT 1`,
    [result.agent_id, result.target, result.measured_at],
  );
  if (!previous?.path || !pathChanged(previous.path, current)) return;
  await tx.query(
    `INSERT INTO path_changes (agent_id, target, run_id, previous_run_id, at, previous_path, current_path) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [result.agent_id, result.target, run.id, previous.run_id, result.measured_at, JSON.stringify(previous.path), JSON.stringify(current)],
  );
}
