import { Page } from '../components/Page.js';
import { Tabs, type Tab } from '../components/Tabs.js';
import type { UserRole } from '../api/types.js';
import { roleAtLeast, useSession } from '../lib/session.js';
import { PasswordSettings } from './settings/password.js';
import { TokenSettings } from './settings/tokens.js';
import { UserSettings } from './settings/users.js';
import { IntegrationSettings } from './settings/integrations.js';
import { MaintenanceSettings } from './settings/maintenance.js';
import { AuditLog } from './settings/audit.js';
import { TargetSettings } from './settings/targets.js';

const TABS: (Tab & { role: UserRole })[] = [
  { id: 'password', label: 'Password', role: 'viewer' },
  { id: 'tokens', label: 'API tokens', role: 'viewer' },
  { id: 'maintenance', label: 'Maintenance windows', role: 'viewer' },
  { id: 'targets', label: 'Speedtest targets', role: 'viewer' },
  { id: 'users', label: 'Users and roles', role: 'admin' },
  { id: 'integrations', label: 'Integrations', role: 'admin' },
  { id: 'audit', label: 'Audit log', role: 'admin' },
];

export function SettingsPage({ params }: { params: Record<string, string> }) {
  const role = useSession()!.user.role;
  const tabs = TABS.filter((t) => roleAtLeast(role, t.role));
  const tab = tabs.find((t) => t.id === params.tab)?.id ?? 'password';
  return (
    <Page title="Settings">
      <Tabs tabs={tabs} current={tab} href={(id) => `/settings/${id}`} />
      {tab === 'password' && <PasswordSettings />}
      {tab === 'tokens' && <TokenSettings />}
      {tab === 'maintenance' && <MaintenanceSettings />}
      {tab === 'targets' && <TargetSettings />}
      {tab === 'users' && <UserSettings />}
      {tab === 'integrations' && <IntegrationSettings />}
      {tab === 'audit' && <AuditLog />}
    </Page>
  );
}
