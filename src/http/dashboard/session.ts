import type { AdminPrincipal } from '../../domain/admin-roles.ts';

/** Name of the dashboard's session cookie (HttpOnly, Secure, SameSite=Strict, Path=/monitor). */
export const SESSION_COOKIE = 'elo_painel';
/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 30 * 60_000;
/** …and in any case this long after the login. */
export const SESSION_MAX_MS = 8 * 3_600_000;
/** Sessions held at once; past it the oldest is dropped (a login flood cannot grow memory). */
export const MAX_SESSIONS = 10_000;

export interface DashboardSession {
  /** The bearer token the session was opened with: kept here only, re-checked on every request. */
  token: string;
  principal: AdminPrincipal;
  /** Per-session CSRF token, carried by every POST form. */
  csrf: string;
  startedAt: number;
  seenAt: number;
}

/** A session id or a CSRF token: two random UUIDs of Web Crypto (244 random bits), 64 hex digits. */
export function randomToken(): string {
  return (crypto.randomUUID() + crypto.randomUUID()).replace(/-/g, '');
}

/** Equal strings, compared without an early exit on the first difference. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Sessions of the dashboard, in this process's memory: the cookie holds a random id, never the
 * token. The token stays server-side so that a revocation takes effect at the next page (the
 * token is checked again on each request). Several nodes behind a load balancer need sticky
 * sessions for the dashboard (README "Painel").
 */
export function sessionStore(now: () => number) {
  const sessions = new Map<string, DashboardSession>();
  const alive = (s: DashboardSession, t: number) => t - s.seenAt < SESSION_IDLE_MS && t - s.startedAt < SESSION_MAX_MS;
  return {
    open(token: string, principal: AdminPrincipal): { id: string; session: DashboardSession } {
      const t = now();
      if (sessions.size >= MAX_SESSIONS) {
        for (const [id, s] of sessions) if (!alive(s, t)) sessions.delete(id);
        // Map keeps insertion order: the first is the oldest login
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      }
      const id = randomToken();
      const session = { token, principal, csrf: randomToken(), startedAt: t, seenAt: t };
      sessions.set(id, session);
      return { id, session };
    },
    get(id: string | undefined): DashboardSession | null {
      if (!id) return null;
      const s = sessions.get(id);
      if (!s) return null;
      const t = now();
      if (!alive(s, t)) {
        sessions.delete(id);
        return null;
      }
      s.seenAt = t;
      return s;
    },
    close(id: string | undefined): void {
      if (id) sessions.delete(id);
    },
    size: () => sessions.size,
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;
