// The page table: path pattern, page component, the least role that sees it, the nav label.
import type { FunctionComponent } from 'preact';
import type { UserRole } from './api/types.js';
import { AgentDetailPage } from './pages/agent-detail.js';
import { AgentsPage } from './pages/agents.js';
import { AlertsPage } from './pages/alerts.js';
import { DashboardPage } from './pages/dashboard.js';
import { ReportsPage } from './pages/reports.js';
import { ResultDetailPage } from './pages/result-detail.js';
import { ResultsPage } from './pages/results.js';
import { RunTestPage } from './pages/run-test.js';
import { SchedulesPage } from './pages/schedules.js';
import { SettingsPage } from './pages/settings.js';
import { TrendsPage } from './pages/trends.js';

export interface PageRoute {
  pattern: string;
  page: FunctionComponent<{ params: Record<string, string> }>;
  role: UserRole;
  nav?: string;
}

export const ROUTES: PageRoute[] = [
  { pattern: '/', page: DashboardPage, role: 'viewer', nav: 'Dashboard' },
  { pattern: '/agents', page: AgentsPage, role: 'viewer', nav: 'Agents' },
  { pattern: '/agents/:id', page: AgentDetailPage, role: 'viewer' },
  { pattern: '/run', page: RunTestPage, role: 'operator', nav: 'Run a test' },
  { pattern: '/results', page: ResultsPage, role: 'viewer', nav: 'Results' },
  { pattern: '/results/:id', page: ResultDetailPage, role: 'viewer' },
  { pattern: '/trends', page: TrendsPage, role: 'viewer', nav: 'Trends' },
  { pattern: '/schedules', page: SchedulesPage, role: 'viewer', nav: 'Schedules' },
  { pattern: '/alerts', page: AlertsPage, role: 'viewer', nav: 'Alerts' },
  { pattern: '/reports', page: ReportsPage, role: 'viewer', nav: 'Reports' },
  { pattern: '/settings', page: SettingsPage, role: 'viewer', nav: 'Settings' },
  { pattern: '/settings/:tab', page: SettingsPage, role: 'viewer' },
];
