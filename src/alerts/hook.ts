// The result hook: evaluates schedule thresholds and standalone rules in the transaction that
// stores a result; records breaches, keeps consecutive-breach streaks, opens and resolves alerts.
import type { Queryable } from '../db/port.js';
import type { ResultHook } from '../runs/service.js';
import { METRIC_LABELS_PLAIN, formatValue } from './labels.js';
import { evaluate, ruleThresholds, type BaselineValue, type Thresholds, type Verdict } from './evaluate.js';
import { openAlert, resolveAlert } from './events.js';
import { notifySettings } from './settings.js';

/** Where a set of thresholds comes from: a schedule or a standalone rule. */
interface Source {
  ref: string;
  ruleId: number | null;
  scheduleId: number | null;
  name: string;
  thresholds: Thresholds;
  consecutiveFailures: number;
  alert: boolean;
  severity: string | null;
  contactList: string | null;
}

interface ScheduleRow { id: number; name: string; thresholds: Thresholds; consecutive_failures: number; alert_on_breach: boolean; severity: string | null; notify_contact_list: string | null }
interface RuleRow { id: number; name: string; metric: string | null; threshold: number | null; deviation_pct: number | null; consecutive_failures: number; severity: string | null; notify_contact_list: string | null }

async function sources(tx: Queryable, scheduleId: number | null, agentId: string, target: string): Promise<Source[]> {
  const out: Source[] = [];
  if (scheduleId !== null) {
    const [s] = await tx.query<ScheduleRow>('SELECT id, name, thresholds, consecutive_failures, alert_on_breach, severity, notify_contact_list FROM schedules WHERE id = $1 AND deleted_at IS NULL', [scheduleId]);
    if (s) out.push({ ref: `schedule:${s.id}`, ruleId: null, scheduleId: s.id, name: s.name, thresholds: s.thresholds ?? {}, consecutiveFailures: s.consecutive_failures, alert: s.alert_on_breach, severity: s.severity, contactList: s.notify_contact_list });
  }
  const rules = await tx.query<RuleRow>(
    `SELECT id, name, metric, threshold, deviation_pct, consecutive_failures, severity, notify_contact_list FROM alert_rules
      WHERE kind = 'threshold' AND enabled AND (agent_id IS NULL OR agent_id = $1) AND (target IS NULL OR lower(target) = lower($2)) ORDER BY id`,
    [agentId, target],
  );
  for (const r of rules) out.push({ ref: `rule:${r.id}`, ruleId: r.id, scheduleId: null, name: r.name, thresholds: ruleThresholds(r), consecutiveFailures: r.consecutive_failures, alert: true, severity: r.severity, contactList: r.notify_contact_list });
  return out;
}

const dedupKey = (source: Source, agentId: string, target: string, v: Verdict) => `${source.ref}:${agentId}:${target}:${v.key}`;

function title(agentName: string, target: string, v: Verdict, n: number): string {
  const what = METRIC_LABELS_PLAIN[v.metric] ?? v.metric;
  const relation = v.kind === 'baseline' ? `below baseline ${formatValue(v.metric, v.baseline)} by more than allowed (limit ${formatValue(v.metric, v.threshold)})`
    : `${v.metric === 'download_mbps' || v.metric === 'upload_mbps' ? 'below' : 'above'} ${formatValue(v.metric, v.threshold)}`;
  return `${agentName} → ${target}: ${what} ${formatValue(v.metric, v.value)} ${relation}${n > 1 ? ` (${n} in a row)` : ''}`;
}

export const evaluateAlerts: ResultHook = async (tx, run, result, ctx) => {
  const [row] = await tx.query<{ in_maintenance: boolean; maintenance: boolean; name: string }>(
    `SELECT r.in_maintenance, a.maintenance, a.name FROM results r JOIN agents a ON a.id = r.agent_id WHERE r.run_id = $1 AND r.measured_at = $2`,
    [result.run_id, result.measured_at],
  );
  // Inside a maintenance window: kept, but neither counted nor alerted on.
  if (!row || row.in_maintenance || row.maintenance) return;
  const target = run.target;
  const list = await sources(tx, run.schedule_id ?? null, run.agent_id, target);
  if (list.length === 0) return;
  const baselineRows = await tx.query<{ metric: string; value: number; reliable: boolean }>('SELECT metric, value, reliable FROM baselines WHERE agent_id = $1 AND target = $2', [run.agent_id, target]);
  const baselines: Record<string, BaselineValue> = Object.fromEntries(baselineRows.map((b) => [b.metric, { value: b.value, reliable: b.reliable }]));
  let defaults: { severity: string; contactList: string } | undefined;

  for (const source of list) {
    const prefix = `${source.ref}:${run.agent_id}:${target}:`;
    const streakRows = await tx.query<{ dedup_key: string; breaches: number }>(
      'SELECT dedup_key, breaches FROM alert_streaks WHERE left(dedup_key, $2) = $1', [prefix, prefix.length],
    );
    const streaks = Object.fromEntries(streakRows.map((s) => [s.dedup_key.slice(prefix.length), s.breaches]));
    const verdicts = evaluate({ thresholds: source.thresholds, status: result.status, metrics: result.metrics, streaks, baselines, consecutiveFailures: source.consecutiveFailures });
    for (const v of verdicts) {
      const key = dedupKey(source, run.agent_id, target, v);
      if (v.outcome === 'not_applicable') continue;
      if (v.outcome === 'breach') {
        await tx.query(
          `INSERT INTO breaches (run_id, agent_id, target, rule_id, schedule_id, kind, metric, value, threshold, baseline, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [run.id, run.agent_id, target, source.ruleId, source.scheduleId, v.kind, v.metric, v.value, v.threshold, v.baseline, result.measured_at],
        );
        // Counted in the database (not from the value read above), so two results stored at the
        // same moment cannot both see the old count.
        const [counted] = await tx.query<{ breaches: number }>(
          `INSERT INTO alert_streaks (dedup_key, breaches, updated_at) VALUES ($1, 1, $2)
           ON CONFLICT (dedup_key) DO UPDATE SET breaches = alert_streaks.breaches + 1, updated_at = EXCLUDED.updated_at RETURNING breaches`,
          [key, result.measured_at],
        );
        v.streak = counted!.breaches;
        v.fire = v.streak >= Math.max(1, source.consecutiveFailures);
      } else {
        await tx.query('DELETE FROM alert_streaks WHERE dedup_key = $1', [key]);
      }
      if (v.fire && source.alert) {
        if (!defaults) {
          const settings = await notifySettings(tx, ctx.config);
          defaults = { severity: settings.defaultSeverity, contactList: settings.defaultContactList };
        }
        await openAlert(tx, {
          kind: v.kind,
          dedupKey: key,
          agentId: run.agent_id,
          target,
          metric: v.metric,
          value: v.value,
          threshold: v.threshold,
          severity: source.severity ?? defaults.severity,
          contactList: source.contactList ?? defaults.contactList,
          title: title(row.name, target, v, v.streak),
          at: result.measured_at,
          ruleId: source.ruleId,
          scheduleId: source.scheduleId,
          notify: true,
          details: { source: source.ref, source_name: source.name, run_id: run.id, consecutive_breaches: v.streak, baseline: v.baseline },
        });
      } else if (v.recover) {
        await resolveAlert(tx, key, result.measured_at, { run_id: run.id, value: v.value });
      }
    }
  }
};
