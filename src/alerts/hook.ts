// The result hook: evaluates schedule thresholds and standalone rules in the transaction that
// stores results; records breaches, keeps consecutive-breach streaks, opens and resolves alerts.
// Everything it needs for a batch (schedules, rules, agents, baselines, streaks, open alerts) is
// read in a few statements; a result that passes every check writes nothing.
import type { Queryable } from '../db/port.js';
import type { ResultHook, StoredRun } from '../runs/service.js';
import { METRIC_LABELS_PLAIN, formatValue } from './labels.js';
import { evaluate, ruleThresholds, VERDICT_KEYS, type BaselineValue, type Thresholds, type Verdict } from './evaluate.js';
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
interface RuleRow { id: number; name: string; agent_id: string | null; target: string | null; metric: string | null; threshold: number | null; deviation_pct: number | null; consecutive_failures: number; severity: string | null; notify_contact_list: string | null }

/** The schedules and enabled threshold rules that could apply to any result of the batch. */
async function loadSources(tx: Queryable, stored: readonly StoredRun[]): Promise<(s: StoredRun) => Source[]> {
  const scheduleIds = [...new Set(stored.map((s) => s.run.schedule_id).filter((id): id is number => id !== null && id !== undefined))];
  const schedules = new Map(
    (scheduleIds.length === 0 ? [] : await tx.query<ScheduleRow>(
      'SELECT id, name, thresholds, consecutive_failures, alert_on_breach, severity, notify_contact_list FROM schedules WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL',
      [scheduleIds],
    )).map((s) => [String(s.id), s]),
  );
  const rules = await tx.query<RuleRow>(
    `SELECT id, name, agent_id, target, metric, threshold, deviation_pct, consecutive_failures, severity, notify_contact_list FROM alert_rules
      WHERE kind = 'threshold' AND enabled ORDER BY id`,
  );
  return ({ run }) => {
    const out: Source[] = [];
    const s = run.schedule_id === null || run.schedule_id === undefined ? undefined : schedules.get(String(run.schedule_id));
    if (s) out.push({ ref: `schedule:${s.id}`, ruleId: null, scheduleId: s.id, name: s.name, thresholds: s.thresholds ?? {}, consecutiveFailures: s.consecutive_failures, alert: s.alert_on_breach, severity: s.severity, contactList: s.notify_contact_list });
    const target = run.target.toLowerCase();
    for (const r of rules) {
      if ((r.agent_id !== null && r.agent_id !== run.agent_id) || (r.target !== null && r.target.toLowerCase() !== target)) continue;
      out.push({ ref: `rule:${r.id}`, ruleId: r.id, scheduleId: null, name: r.name, thresholds: ruleThresholds(r), consecutiveFailures: r.consecutive_failures, alert: true, severity: r.severity, contactList: r.notify_contact_list });
    }
    return out;
  };
}

const dedupPrefix = (source: Source, agentId: string, target: string) => `${source.ref}:${agentId}:${target}:`;

function title(agentName: string, target: string, v: Verdict, n: number): string {
  const what = METRIC_LABELS_PLAIN[v.metric] ?? v.metric;
  const relation = v.kind === 'baseline' ? `below baseline ${formatValue(v.metric, v.baseline)} by more than allowed (limit ${formatValue(v.metric, v.threshold)})`
    : `${v.metric === 'download_mbps' || v.metric === 'upload_mbps' ? 'below' : 'above'} ${formatValue(v.metric, v.threshold)}`;
  return `${agentName} → ${target}: ${what} ${formatValue(v.metric, v.value)} ${relation}${n > 1 ? ` (${n} in a row)` : ''}`;
}

export const evaluateAlerts: ResultHook = async (tx, stored, ctx) => {
  // Inside a maintenance window: kept, but neither counted nor alerted on.
  const measured = stored.filter((s) => !s.result.in_maintenance);
  if (measured.length === 0) return;
  const sourcesOf = await loadSources(tx, measured);
  const work = measured.map((s) => ({ ...s, sources: sourcesOf(s) })).filter((w) => w.sources.length > 0);
  if (work.length === 0) return;

  const agentIds = [...new Set(work.map((w) => w.run.agent_id))];
  const agents = new Map(
    (await tx.query<{ id: string; name: string; maintenance: boolean }>('SELECT id, name, maintenance FROM agents WHERE id = ANY($1::uuid[])', [agentIds])).map((a) => [a.id, a]),
  );
  const baselines = new Map<string, Record<string, BaselineValue>>();
  for (const b of await tx.query<{ agent_id: string; target: string; metric: string; value: number; reliable: boolean }>(
    'SELECT b.agent_id, b.target, b.metric, b.value, b.reliable FROM baselines b JOIN unnest($1::uuid[], $2::text[]) AS p(agent_id, target) ON b.agent_id = p.agent_id AND b.target = p.target',
    [work.map((w) => w.run.agent_id), work.map((w) => w.run.target)],
  )) {
    const key = JSON.stringify([b.agent_id, b.target]);
    baselines.set(key, { ...baselines.get(key), [b.metric]: { value: b.value, reliable: b.reliable } });
  }
  // Every key a verdict of this batch could have: the streaks so far and the alerts open now.
  const keys = [...new Set(work.flatMap((w) => w.sources.flatMap((source) => VERDICT_KEYS.map((k) => dedupPrefix(source, w.run.agent_id, w.run.target) + k))))];
  const streaks = new Map((await tx.query<{ dedup_key: string; breaches: number }>('SELECT dedup_key, breaches FROM alert_streaks WHERE dedup_key = ANY($1::text[])', [keys])).map((s) => [s.dedup_key, s.breaches]));
  const open = new Set((await tx.query<{ dedup_key: string }>("SELECT dedup_key FROM alerts WHERE state = 'open' AND dedup_key = ANY($1::text[])", [keys])).map((a) => a.dedup_key));
  let defaults: { severity: string; contactList: string } | undefined;

  for (const { run, result, sources } of work) {
    const agent = agents.get(run.agent_id);
    if (!agent || agent.maintenance) continue;
    const target = run.target;
    for (const source of sources) {
      const prefix = dedupPrefix(source, run.agent_id, target);
      const sofar = Object.fromEntries(VERDICT_KEYS.filter((k) => streaks.has(prefix + k)).map((k) => [k, streaks.get(prefix + k)!]));
      const verdicts = evaluate({ thresholds: source.thresholds, status: result.status, metrics: result.metrics, streaks: sofar, baselines: baselines.get(JSON.stringify([run.agent_id, target])) ?? {}, consecutiveFailures: source.consecutiveFailures });
      for (const v of verdicts) {
        const key = prefix + v.key;
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
          streaks.set(key, v.streak);
        } else if (streaks.delete(key)) {
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
            title: title(agent.name, target, v, v.streak),
            at: result.measured_at,
            ruleId: source.ruleId,
            scheduleId: source.scheduleId,
            notify: true,
            details: { source: source.ref, source_name: source.name, run_id: run.id, consecutive_breaches: v.streak, baseline: v.baseline },
          });
          open.add(key);
        } else if (v.recover && open.delete(key)) {
          await resolveAlert(tx, key, result.measured_at, { run_id: run.id, value: v.value });
        }
      }
    }
  }
};
