import { useState } from 'preact/hooks';
import { api } from '../api/endpoints.js';
import { ErrorBox, Notice } from '../components/Feedback.js';
import { valueOf } from '../components/Field.js';
import { useAction } from '../lib/hooks.js';
import { signIn, signOutReason } from '../lib/session.js';
import { useStore } from '../lib/store.js';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const reason = useStore(signOutReason);
  const login = useAction(async () => signIn(await api.auth.login(username, password)));
  return (
    <main class="login">
      <form
        class="login-card"
        onSubmit={(e) => {
          e.preventDefault();
          void login.run();
        }}
      >
        <h1>
          <span class="brand-mark" aria-hidden="true">◢</span> Flux Speed
        </h1>
        <p class="muted">Network performance observatory. Sign in to continue.</p>
        {reason && <Notice kind="warn">{reason}</Notice>}
        <ErrorBox error={login.error} what="Sign-in failed" />
        <label class="field">
          <span class="field-label">Username</span>
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(valueOf(e))} autoFocus />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(valueOf(e))} />
        </label>
        <button type="submit" class="btn btn-primary" disabled={login.busy}>
          {login.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
