import { ADMIN_ROLES, ROLE_LABEL, type AdminRole, type AdminTokenInfo } from '../domain/admin-roles.ts';
import { EloError } from '../domain/errors.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import { toBase64Url, toHex } from '../pki/encoding.ts';
import type { ServiceDeps } from './deps.ts';
import type { ParticipantService } from './participants.ts';

/**
 * Bearer tokens of the administration API: created for a role (a `participante` token for one
 * participant), shown once, stored only as their SHA-256, named afterwards by the first 12 hex
 * digits of that digest, and revoked (the next request with a revoked token is refused).
 */
export function tokenService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>, participants: ParticipantService) {
  const { tokens } = deps.store;
  return {
    list: () => tokens.listTokens(),

    async create(o: { role: string; participante?: string; rotulo?: string }, actor: string): Promise<{ token: string; info: AdminTokenInfo }> {
      const role = ADMIN_ROLES.find((r) => r === o.role);
      if (!role) throw validationFailed({ path: 'papel', message: `deve ser um de: ${ADMIN_ROLES.join(', ')}` });
      if (role === 'participante' && !o.participante) throw validationFailed({ path: 'participante', message: 'é obrigatório para o papel participante (o CNPJ do participante que o token administra)' });
      if (role !== 'participante' && o.participante) throw validationFailed({ path: 'participante', message: `só se aplica ao papel participante (o papel ${role} não é de um participante só)` });
      const owner = o.participante ? await participants.find(o.participante) : null;
      const label = (o.rotulo ?? '').trim() || (owner ? `${role}:${owner.sigla || owner.cnpj}` : role);
      if (label.length > 100 || /[\r\n]/.test(label)) throw validationFailed({ path: 'rotulo', message: 'deve ter uma linha e no máximo 100 caracteres' });
      const token = `elo_${toBase64Url(deps.ids.randomBytes(32))}`;
      const sha = toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
      const at = deps.clock.now().toISOString();
      await tokens.addToken(sha, role as AdminRole, at, label, {
        participantId: owner?.id ?? null,
        audit: { kind: 'token.criado', actor, data: { token: sha.slice(0, 12), papel: role, rotulo: label, ...(owner ? { participante: owner.id } : {}) } },
      });
      return { token, info: { id: sha.slice(0, 12), sha256: sha, role, label, participantId: owner?.id ?? null, createdAt: at, revokedAt: null } };
    },

    /** Revokes the one token whose id (the start of its SHA-256, 6 hex digits or more) is given. */
    async revoke(id: string, actor: string): Promise<AdminTokenInfo> {
      const prefix = id.trim().toLowerCase();
      if (!/^[0-9a-f]{6,64}$/.test(prefix)) throw validationFailed({ path: 'id', message: 'é o início do SHA-256 do token, como "elo token list" mostra (6 a 64 dígitos hexadecimais)' });
      const matching = (await tokens.listTokens()).filter((t) => t.sha256.startsWith(prefix));
      if (matching.length === 0) throw new EloError('not_found', `Nenhum token com id ${prefix}. Veja os ids com "elo token list".`);
      if (matching.length > 1) throw validationFailed({ path: 'id', message: `${prefix} identifica ${matching.length} tokens: informe mais dígitos` });
      const t = matching[0]!;
      if (t.revokedAt) throw new EloError('registry_conflict', `O token ${t.id} (${t.label}) já foi revogado em ${t.revokedAt}.`, { token: t.id });
      const at = deps.clock.now().toISOString();
      const done = await tokens.revokeToken(t.sha256, at, { kind: 'token.revogado', actor, data: { token: t.id, papel: t.role, rotulo: t.label } });
      if (!done) throw new EloError('registry_conflict', `O token ${t.id} (${t.label}) já foi revogado.`, { token: t.id });
      return { ...t, revokedAt: at };
    },

    /** One line per token for people: id, role, label, dates. */
    describe: (t: AdminTokenInfo) =>
      `${t.id}  ${ROLE_LABEL[t.role]}${t.participantId ? ` (${t.participantId})` : ''}  "${t.label}"  criado em ${t.createdAt}${t.revokedAt ? `, revogado em ${t.revokedAt}` : ''}`,
  };
}
