import type { AuditEntry, OnboardingStore } from '../index.ts';
import { toInvitation, toOnboarding, type InvitationRow, type OnboardingRow } from '../rows.ts';
import type { Db } from './open.ts';
import { auditAppender } from './audit.ts';

/** Invitations and onboarding requests in the embedded store; each write one transaction. */
export function sqliteOnboarding(db: Db): OnboardingStore {
  const q = {
    addInvitation: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO invitations (code_sha256, created_at, expires_at, created_by, note) VALUES (?, ?, ?, ?, ?)',
    ),
    invitation: db.prepare<[string], InvitationRow>('SELECT * FROM invitations WHERE code_sha256 = ?'),
    useInvitation: db.prepare<[string, string, string]>('UPDATE invitations SET used_at = ? WHERE code_sha256 = ? AND used_at IS NULL AND expires_at > ?'),
    insertRequest: db.prepare<[string, string, string, string]>(
      'INSERT INTO onboarding_requests (invitation_sha256, submitted_at, status, request_json) VALUES (?, ?, ?, ?)',
    ),
    request: db.prepare<[number], OnboardingRow>('SELECT * FROM onboarding_requests WHERE id = ?'),
    byInvitation: db.prepare<[string], OnboardingRow>('SELECT * FROM onboarding_requests WHERE invitation_sha256 = ?'),
    all: db.prepare<[], OnboardingRow>('SELECT * FROM onboarding_requests ORDER BY id'),
    byStatus: db.prepare<[string], OnboardingRow>('SELECT * FROM onboarding_requests WHERE status = ? ORDER BY id'),
    decide: db.prepare<[string, string, string, string, string | null, number, string]>(
      'UPDATE onboarding_requests SET status = ?, decided_at = ?, decided_by = ?, reason = ?, certificate_pem = ? WHERE id = ? AND status = ?',
    ),
  };
  const audited = auditAppender(db);
  const addInvitation = db.transaction((i: Parameters<OnboardingStore['addInvitation']>[0], audit: AuditEntry) => {
    q.addInvitation.run(i.sha256, i.createdAt, i.expiresAt, i.createdBy, i.note);
    audited(i.createdAt, audit);
  });
  const submit = db.transaction((sha: string, at: string, status: string, data: unknown, audit: AuditEntry) => {
    const inv = q.invitation.get(sha);
    if (!inv) return { ok: false as const, reason: 'unknown' as const };
    if (q.useInvitation.run(at, sha, at).changes !== 1) return { ok: false as const, reason: inv.used_at ? ('used' as const) : ('expired' as const) };
    const id = Number(q.insertRequest.run(sha, at, status, JSON.stringify(data)).lastInsertRowid);
    audited(at, { ...audit, data: { ...audit.data, pedido: id } });
    return { ok: true as const, id };
  });
  const decide = db.transaction((id: number, from: string, to: string, d: { at: string; by: string; reason: string; certificatePem: string | null }, audit: AuditEntry) => {
    if (q.decide.run(to, d.at, d.by, d.reason, d.certificatePem, id, from).changes !== 1) return false;
    audited(d.at, audit);
    return true;
  });
  return {
    async addInvitation(i, audit) {
      addInvitation(i, audit);
    },
    async findInvitation(sha) {
      const r = q.invitation.get(sha);
      return r ? toInvitation(r) : null;
    },
    async submitOnboarding(sha, at, status, data, audit) {
      return submit(sha, at, status, data, audit);
    },
    async getOnboarding(id) {
      const r = q.request.get(id);
      return r ? toOnboarding(r) : null;
    },
    async onboardingByInvitation(sha) {
      const r = q.byInvitation.get(sha);
      return r ? toOnboarding(r) : null;
    },
    async listOnboarding(status) {
      return (status ? q.byStatus.all(status) : q.all.all()).map(toOnboarding);
    },
    async decideOnboarding(id, from, to, d, audit) {
      return decide(id, from, to, d, audit);
    },
  };
}
