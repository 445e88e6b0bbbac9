import type { OnboardingStore } from '../index.ts';
import { toInvitation, toOnboarding, type InvitationRow, type OnboardingRow } from '../rows.ts';
import { all, atomically, first, type D1Conn } from './db.ts';

type Out<K extends keyof OnboardingStore> = OnboardingStore[K] extends (...a: never[]) => Promise<infer T> ? T : never;

/**
 * Invitations and onboarding requests on D1. Using an invitation and deciding a request are
 * compare-and-set updates (`used_at IS NULL`, `status = ?`) guarded in their batch (db.ts): a
 * second use or decision that raced the first decides again, and then sees it.
 */
export function d1Onboarding(c: D1Conn): OnboardingStore {
  const invitation = (sha: string) => first<InvitationRow>(c, 'SELECT * FROM invitations WHERE code_sha256 = ?', sha);
  return {
    async addInvitation(i, audit) {
      await atomically(c, async (w) => {
        w.write('INSERT INTO invitations (code_sha256, created_at, expires_at, created_by, note) VALUES (?, ?, ?, ?, ?)', i.sha256, i.createdAt, i.expiresAt, i.createdBy, i.note);
        w.audit(i.createdAt, audit);
        return () => undefined;
      });
    },
    async findInvitation(sha) {
      const r = await invitation(sha);
      return r ? toInvitation(r) : null;
    },
    async submitOnboarding(sha, at, status, data, audit) {
      return atomically<Out<'submitOnboarding'>>(c, async (w) => {
        const inv = await w.first<InvitationRow>('SELECT * FROM invitations WHERE code_sha256 = ?', sha);
        if (!inv) return () => ({ ok: false, reason: 'unknown' });
        if (inv.used_at !== null) return () => ({ ok: false, reason: 'used' });
        if (!(inv.expires_at > at)) return () => ({ ok: false, reason: 'expired' });
        w.writeOne('UPDATE invitations SET used_at = ? WHERE code_sha256 = ? AND used_at IS NULL AND expires_at > ?', at, sha, at);
        // the audit event names the request, so its id is chosen here (requests are never deleted:
        // the next id is the largest plus one), under a key every submission moves
        await w.lock('pedidos-de-adesao');
        const id = ((await w.first<{ m: number | null }>('SELECT max(id) AS m FROM onboarding_requests'))?.m ?? 0) + 1;
        w.write('INSERT INTO onboarding_requests (id, invitation_sha256, submitted_at, status, request_json) VALUES (?, ?, ?, ?, ?)', id, sha, at, status, JSON.stringify(data));
        w.audit(at, { ...audit, data: { ...audit.data, pedido: id } });
        return () => ({ ok: true, id });
      });
    },
    async getOnboarding(id) {
      const r = await first<OnboardingRow>(c, 'SELECT * FROM onboarding_requests WHERE id = ?', id);
      return r ? toOnboarding(r) : null;
    },
    async onboardingByInvitation(sha) {
      const r = await first<OnboardingRow>(c, 'SELECT * FROM onboarding_requests WHERE invitation_sha256 = ?', sha);
      return r ? toOnboarding(r) : null;
    },
    async listOnboarding(status) {
      const rows = status
        ? await all<OnboardingRow>(c, 'SELECT * FROM onboarding_requests WHERE status = ? ORDER BY id', status)
        : await all<OnboardingRow>(c, 'SELECT * FROM onboarding_requests ORDER BY id');
      return rows.map(toOnboarding);
    },
    async decideOnboarding(id, from, to, d, audit) {
      return atomically<boolean>(c, async (w) => {
        const r = await w.first<{ status: string }>('SELECT status FROM onboarding_requests WHERE id = ?', id);
        if (r?.status !== from) return () => false;
        w.writeOne(
          'UPDATE onboarding_requests SET status = ?, decided_at = ?, decided_by = ?, reason = ?, certificate_pem = ? WHERE id = ? AND status = ?',
          to,
          d.at,
          d.by,
          d.reason,
          d.certificatePem,
          id,
          from,
        );
        w.audit(d.at, audit);
        return () => true;
      });
    },
  };
}
