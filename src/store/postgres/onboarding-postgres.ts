import type pg from 'pg';
import type { OnboardingStore } from '../index.ts';
import { toInvitation, toOnboarding, type InvitationRow, type OnboardingRow } from '../rows.ts';
import { one, rows, run, stmt, tx } from './db.ts';
import { appendAudit } from './audit.ts';

const s = {
  addInvitation: stmt<[string, string, string, string, string]>(
    'INSERT INTO invitations (code_sha256, created_at, expires_at, created_by, note) VALUES ($1, $2, $3, $4, $5)',
  ),
  invitation: stmt<[string], InvitationRow>('SELECT * FROM invitations WHERE code_sha256 = $1'),
  useInvitation: stmt<[string, string, string]>('UPDATE invitations SET used_at = $1 WHERE code_sha256 = $2 AND used_at IS NULL AND expires_at > $3'),
  insertRequest: stmt<[string, string, string, string], { id: number }>(
    'INSERT INTO onboarding_requests (invitation_sha256, submitted_at, status, request_json) VALUES ($1, $2, $3, $4) RETURNING id',
  ),
  request: stmt<[number], OnboardingRow>('SELECT * FROM onboarding_requests WHERE id = $1'),
  byInvitation: stmt<[string], OnboardingRow>('SELECT * FROM onboarding_requests WHERE invitation_sha256 = $1'),
  all: stmt<[], OnboardingRow>('SELECT * FROM onboarding_requests ORDER BY id'),
  byStatus: stmt<[string], OnboardingRow>('SELECT * FROM onboarding_requests WHERE status = $1 ORDER BY id'),
  decide: stmt<[string, string, string, string, string | null, number, string]>(
    'UPDATE onboarding_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4, certificate_pem = $5 WHERE id = $6 AND status = $7',
  ),
};

/** Invitations and onboarding requests on PostgreSQL: the invitation's use is a compare-and-set, so two nodes never accept it twice. */
export function postgresOnboarding(pool: pg.Pool): OnboardingStore {
  return {
    async addInvitation(i, audit) {
      await tx(pool, async (c) => {
        await run(c, s.addInvitation, i.sha256, i.createdAt, i.expiresAt, i.createdBy, i.note);
        await appendAudit(c, i.createdAt, audit);
      });
    },
    async findInvitation(sha) {
      const r = await one(pool, s.invitation, sha);
      return r ? toInvitation(r) : null;
    },
    async submitOnboarding(sha, at, status, data, audit) {
      return tx(pool, async (c) => {
        const inv = await one(c, s.invitation, sha);
        if (!inv) return { ok: false as const, reason: 'unknown' as const };
        if ((await run(c, s.useInvitation, at, sha, at)) !== 1) return { ok: false as const, reason: inv.used_at ? ('used' as const) : ('expired' as const) };
        const id = (await one(c, s.insertRequest, sha, at, status, JSON.stringify(data)))!.id;
        await appendAudit(c, at, { ...audit, data: { ...audit.data, pedido: id } });
        return { ok: true as const, id };
      });
    },
    async getOnboarding(id) {
      const r = await one(pool, s.request, id);
      return r ? toOnboarding(r) : null;
    },
    async onboardingByInvitation(sha) {
      const r = await one(pool, s.byInvitation, sha);
      return r ? toOnboarding(r) : null;
    },
    async listOnboarding(status) {
      return (status ? await rows(pool, s.byStatus, status) : await rows(pool, s.all)).map(toOnboarding);
    },
    async decideOnboarding(id, from, to, d, audit) {
      return tx(pool, async (c) => {
        if ((await run(c, s.decide, to, d.at, d.by, d.reason, d.certificatePem, id, from)) !== 1) return false;
        await appendAudit(c, d.at, audit);
        return true;
      });
    },
  };
}
