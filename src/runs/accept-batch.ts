import type { AppContext } from '../app/context.js';
import type { MeasurementResult } from '../measurements/job.js';
import { publishRunStatus } from './events.js';
import { canTransition, isTerminal } from './lifecycle.js';
import { RUN_COLUMNS, type Run } from './repository.js';
import { insertResults, markMaintenance, resultRow, type StoredResult } from './results.js';
import { acceptResult, type ResultHook, type ResultOutcome } from './service.js';

export interface IncomingResult {
  agentId: string;
  runId: string;
  result: MeasurementResult;
  clockOffsetMs: number;
}

/**
 * Stores many agents' results in one transaction: one statement locks the runs, one inserts the
 * results, one moves the runs on; the hooks see the whole batch in that transaction. The
 * outcome of each is exactly what `acceptResult` would give (stored, duplicate, rejected), and
 * anything unusual (a run not in a state the result may finish) goes through `acceptResult`
 * itself. If the batch fails as a whole, each result is retried on its own, so one bad result
 * cannot hold the others back.
 */
export async function acceptResults(ctx: AppContext, items: IncomingResult[], hooks: ResultHook[] = []): Promise<ResultOutcome[]> {
  let batch: { outcomes: (ResultOutcome | undefined)[]; updated: Run[] };
  try {
    batch = await ctx.db.transaction(async (tx) => {
      const ids = [...new Set(items.map((i) => i.runId))].sort();
      const runs = await tx.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      const byId = new Map(runs.map((r) => [r.id, r]));
      const storedHere = new Set<string>();
      const outcomes: (ResultOutcome | undefined)[] = [];
      const toStore: { run: Run; row: StoredResult; late: boolean; status: MeasurementResult['status'] }[] = [];
      for (const [index, item] of items.entries()) {
        const run = byId.get(item.runId);
        if (!run) outcomes[index] = { outcome: 'rejected', reason: 'unknown run' };
        else if (run.agent_id !== item.agentId) outcomes[index] = { outcome: 'rejected', reason: 'the run belongs to another agent' };
        else if (storedHere.has(run.id) || run.status === 'completed' || run.status === 'failed') outcomes[index] = { outcome: 'duplicate' };
        else if (isTerminal(run.status) && run.status !== 'timed_out') outcomes[index] = { outcome: 'rejected', reason: `the run was ${run.status}` };
        else if (item.result.kind !== run.kind) outcomes[index] = { outcome: 'rejected', reason: `result kind ${item.result.kind} does not match the run (${run.kind})` };
        else if (!canTransition(run.status, item.result.status)) outcomes[index] = undefined; // left to acceptResult below
        else {
          storedHere.add(run.id);
          toStore.push({ run, row: resultRow(run, item.result, item.clockOffsetMs), late: run.status === 'timed_out', status: item.result.status });
          outcomes[index] = { outcome: 'stored' };
        }
      }
      if (toStore.length === 0) return { outcomes, updated: [] };
      await markMaintenance(tx, toStore.map((s) => s.row));
      await insertResults(tx, toStore.map((s) => ({ row: s.row, scheduleId: s.run.schedule_id })));
      const at = new Date().toISOString();
      const updated = await tx.query<Run>(
        `UPDATE runs SET
            status = v.v_status,
            status_reason = COALESCE(v.v_reason, status_reason),
            timeline = timeline || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('at', $1::text, 'status', v.v_status, 'note', v.v_note))),
            started_at = COALESCE(started_at, v.v_started),
            finished_at = v.v_finished,
            measured_at = v.v_measured
          FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
               AS v(v_id, v_status, v_reason, v_note, v_started, v_finished, v_measured)
         WHERE id = ANY($2::uuid[]) AND id = v.v_id
         RETURNING ${RUN_COLUMNS}`,
        [
          at,
          toStore.map((s) => s.run.id),
          toStore.map((s) => s.status),
          toStore.map((s) => (s.status === 'failed' ? (s.row.error ?? 'failed') : null)),
          toStore.map((s) => (s.late ? 'result arrived after the run had timed out (late upload)' : null)),
          toStore.map((s) => s.row.measured_at),
          toStore.map((s) => s.row.finished_at),
          toStore.map((s) => s.row.measured_at),
        ],
      );
      const updatedById = new Map(updated.map((r) => [r.id, r]));
      const stored = toStore.map((s) => ({ run: updatedById.get(s.run.id)!, result: s.row }));
      for (const hook of hooks) await hook(tx, stored, ctx);
      return { outcomes, updated };
    });
  } catch (error) {
    ctx.log.warn({ err: error, results: items.length }, 'result batch failed; storing each on its own');
    return Promise.all(items.map((item) => acceptResult(ctx, item.agentId, item.runId, item.result, { clockOffsetMs: item.clockOffsetMs, hooks })));
  }
  await Promise.all(batch.updated.map((run) => publishRunStatus(ctx.bus, run)));
  const outcomes: ResultOutcome[] = [];
  for (const [index, item] of items.entries()) {
    outcomes[index] = batch.outcomes[index] ?? (await acceptResult(ctx, item.agentId, item.runId, item.result, { clockOffsetMs: item.clockOffsetMs, hooks }));
  }
  return outcomes;
}
