import { Card, Page } from '../components/Page.js';
import { Tabs } from '../components/Tabs.js';
import { useLocation } from '../lib/router.js';
import { AlertList } from './alerts-list.js';
import { AlertRules } from './alert-rules.js';

const TABS = [
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
  { id: 'rules', label: 'Alert rules' },
];
const KINDS = [
  { id: '', label: 'All kinds' },
  { id: 'threshold', label: 'Threshold' },
  { id: 'baseline', label: 'Baseline deviation' },
  { id: 'agent_offline', label: 'Agent offline' },
];

export function AlertsPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.get('tab'))?.id ?? 'open';
  const kind = query.get('kind') ?? '';
  return (
    <Page title="Alerts" subtitle="Threshold breaches, baseline deviations and offline agents. Operators acknowledge.">
      <Tabs tabs={TABS} current={tab} href={(id) => `/alerts?tab=${id}`} />
      {tab === 'rules' ? (
        <AlertRules />
      ) : (
        <Card actions={<Tabs tabs={KINDS} current={kind} href={(id) => `/alerts?tab=${tab}${id ? `&kind=${id}` : ''}`} />}>
          <AlertList state={tab === 'all' ? undefined : (tab as 'open' | 'resolved')} kind={kind || undefined} refreshMs={15_000} />
        </Card>
      )}
    </Page>
  );
}
