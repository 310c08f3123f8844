/** An alert as read from the `alerts` table with its agent's name (what the API and delivery share). */
export interface AlertRow {
  id: number;
  kind: string;
  state: string;
  agent_id: string | null;
  agent_name: string | null;
  target: string | null;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  severity: string;
  contact_list: string | null;
  title: string;
  opened_at: Date;
  resolved_at: Date | null;
  notify_incident_id: string | null;
  details: Record<string, unknown>;
}
