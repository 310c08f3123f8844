// The signed-in session: the JWT lives in memory and in sessionStorage (this tab only, gone when
// the tab closes) and ends when the JWT expires. Nothing secret goes to localStorage.
import { configureClient } from '../api/client.js';
import type { LoginAnswer, User, UserRole } from '../api/types.js';
import { createStore, useStore } from './store.js';

const KEY = 'flux-speed.session';

export interface Session { token: string; expires_at: string; user: User }

export const session = createStore<Session | null>(restore());
/** Why the last session ended, shown on the sign-in page. */
export const signOutReason = createStore<string | null>(null);

let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function restore(): Session | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    if (saved && Date.parse(saved.expires_at) > Date.now()) return saved;
  } catch {
    /* unreadable: start signed out */
  }
  sessionStorage.removeItem(KEY);
  return null;
}

function armExpiry(current: Session | null) {
  clearTimeout(expiryTimer);
  if (!current) return;
  // setTimeout holds at most ~24.8 days; sessions are hours.
  const ms = Math.min(Date.parse(current.expires_at) - Date.now(), 2 ** 31 - 1);
  expiryTimer = setTimeout(() => signOut('Your session expired. Sign in again.'), Math.max(0, ms));
}

export function signIn(answer: LoginAnswer) {
  const next: Session = { token: answer.token, expires_at: answer.expires_at, user: answer.user };
  sessionStorage.setItem(KEY, JSON.stringify(next));
  signOutReason.set(null);
  session.set(next);
  armExpiry(next);
}

export function updateUser(user: User) {
  const current = session.get();
  if (!current) return;
  const next = { ...current, user: { ...current.user, ...user } };
  sessionStorage.setItem(KEY, JSON.stringify(next));
  session.set(next);
}

export function signOut(reason: string | null = null) {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(KEY);
  signOutReason.set(reason);
  session.set(null);
}

configureClient({
  token: () => session.get()?.token,
  onUnauthorized: (message) => {
    if (session.get()) signOut(`Signed out: ${message}`);
  },
});
armExpiry(session.get());

const RANK: Record<UserRole, number> = { viewer: 0, operator: 1, admin: 2 };
export const roleAtLeast = (role: UserRole | undefined, required: UserRole) => role !== undefined && RANK[role] >= RANK[required];

export function useSession(): Session | null {
  return useStore(session);
}

/** True when the signed-in user has at least this role (Viewer < Operator < Admin). */
export function useRole(required: UserRole): boolean {
  return roleAtLeast(useSession()?.user.role, required);
}
