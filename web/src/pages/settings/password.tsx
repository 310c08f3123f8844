import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints.js';
import { ErrorBox, Notice } from '../../components/Feedback.js';
import { Field, valueOf } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { useAction } from '../../lib/hooks.js';

export function PasswordSettings() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    if (next !== again) throw new Error('The two new passwords differ.');
    await api.auth.changePassword(current, next);
    setCurrent(''); setNext(''); setAgain('');
    setDone(true);
  });
  return (
    <Card title="Change your password">
      <form class="form-grid narrow" onSubmit={(e) => { e.preventDefault(); setDone(false); void change.run(); }}>
        <Field label="Current password"><input type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(valueOf(e))} /></Field>
        <Field label="New password" hint="at least 8 characters"><input type="password" autoComplete="new-password" required minLength={8} value={next} onInput={(e) => setNext(valueOf(e))} /></Field>
        <Field label="New password again"><input type="password" autoComplete="new-password" required minLength={8} value={again} onInput={(e) => setAgain(valueOf(e))} /></Field>
        <div class="form-actions field-wide"><button type="submit" class="btn btn-primary" disabled={change.busy}>Change password</button></div>
      </form>
      <ErrorBox error={change.error} what="Password" />
      {done && <Notice kind="success">Password changed.</Notice>}
    </Card>
  );
}
