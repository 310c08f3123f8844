import { useEffect, useState } from 'preact/hooks';
import { api } from './api/endpoints.js';
import { ErrorBox } from './components/Feedback.js';
import { LoginPage } from './pages/login.js';
import { match, navigate, useLocation } from './lib/router.js';
import { roleAtLeast, signOut, updateUser, useSession } from './lib/session.js';
import { theme } from './lib/theme.js';
import { useStore } from './lib/store.js';
import { localTime, utcTime } from './lib/format.js';
import { ROUTES } from './routes.js';

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="clock" title={utcTime(now)} aria-label="current time">
      {localTime(now, true)}
    </span>
  );
}

function Shell({ children }: { children: preact.ComponentChildren }) {
  const current = useSession()!;
  const { path } = useLocation();
  const currentTheme = useStore(theme);
  const nav = ROUTES.filter((r) => r.nav && roleAtLeast(current.user.role, r.role));
  const active = (pattern: string) => (pattern === '/' ? path === '/' : path === pattern || path.startsWith(`${pattern}/`));
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="/" aria-label="Flux Speed dashboard">
          <span class="brand-mark" aria-hidden="true">◢</span> Flux Speed
        </a>
        <div class="topbar-right">
          <Clock />
          <span class="whoami" data-testid="whoami">
            {current.user.username} <span class="role">{current.user.role}</span>
          </span>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => theme.set(currentTheme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${currentTheme === 'dark' ? 'light' : 'dark'} theme`}>
            {currentTheme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => signOut('You signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <nav class="sidenav" aria-label="Main">
        {nav.map((r) => (
          <a key={r.pattern} href={r.pattern} class={active(r.pattern) ? 'active' : undefined} aria-current={active(r.pattern) ? 'page' : undefined}>
            {r.nav}
          </a>
        ))}
      </nav>
      <main class="content" id="main">
        {children}
      </main>
    </div>
  );
}

export function App() {
  const current = useSession();
  const { path, query } = useLocation();

  // Refresh the user (role changes take effect at once) when a session is restored.
  useEffect(() => {
    if (current) api.auth.me().then(updateUser, () => {});
  }, [current?.token]);

  useEffect(() => {
    if (!current && path !== '/login') navigate(`/login${path !== '/' ? `?next=${encodeURIComponent(path + window.location.search)}` : ''}`, { replace: true });
    if (current && path === '/login') navigate(query.get('next') ?? '/', { replace: true });
  }, [current, path, query]);

  if (!current || path === '/login') return <LoginPage />;

  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    const Page = route.page;
    return (
      <Shell>
        {roleAtLeast(current.user.role, route.role) ? <Page params={params} /> : <ErrorBox error={new Error(`This page needs the ${route.role} role; you are ${current.user.role}.`)} />}
      </Shell>
    );
  }
  return (
    <Shell>
      <section class="page">
        <h1>Not found</h1>
        <p>
          There is no page at <code>{path}</code>. <a href="/">Back to the dashboard</a>.
        </p>
      </section>
    </Shell>
  );
}
