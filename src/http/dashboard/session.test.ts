import { describe, expect, it } from 'vitest';
import { MAX_SESSIONS, randomToken, sameSecret, SESSION_IDLE_MS, SESSION_MAX_MS, sessionStore } from './session.ts';

const who = { role: 'monitor' as const, label: 'plantão', participantId: null };

describe('dashboard sessions', () => {
  it('ends a session after the idle period, and in any case after the maximum since login', () => {
    let now = 0;
    const store = sessionStore(() => now);
    const idle = store.open('t1', who).id;
    now = SESSION_IDLE_MS - 1;
    expect(store.get(idle)).not.toBeNull();
    now += SESSION_IDLE_MS;
    expect(store.get(idle)).toBeNull();

    const busy = store.open('t2', who).id;
    const started = now;
    while (now - started < SESSION_MAX_MS - SESSION_IDLE_MS) {
      now += SESSION_IDLE_MS - 1;
      expect(store.get(busy)).not.toBeNull();
    }
    now = started + SESSION_MAX_MS;
    expect(store.get(busy)).toBeNull();
  });

  it('holds at most MAX_SESSIONS sessions, dropping the oldest login', () => {
    const store = sessionStore(() => 0);
    const first = store.open('t', who).id;
    for (let i = 1; i < MAX_SESSIONS; i++) store.open('t', who);
    expect(store.size()).toBe(MAX_SESSIONS);
    const last = store.open('t', who).id;
    expect(store.size()).toBe(MAX_SESSIONS);
    expect(store.get(first)).toBeNull();
    expect(store.get(last)).not.toBeNull();
  });

  it('gives each session its own unguessable id and CSRF token, neither of them the token', () => {
    const store = sessionStore(() => 0);
    const a = store.open('segredo', who);
    const b = store.open('segredo', who);
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([a.id, b.id, a.session.csrf, b.session.csrf]).size).toBe(4);
    expect(a.id).not.toContain('segredo');
    expect(randomToken()).not.toBe(randomToken());
    expect(sameSecret(a.session.csrf, a.session.csrf)).toBe(true);
    expect(sameSecret(a.session.csrf, b.session.csrf)).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });
});
