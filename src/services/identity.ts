import { ambienteNome, declaredEnvironment } from '../domain/environment.ts';
import type { AdminPrincipal } from '../domain/admin-roles.ts';
import { EloError } from '../domain/errors.ts';
import { participantLabel, participantStatusLabel, participantTransfers } from '../domain/participant.ts';
import type { Caller, PeerCertificate } from '../domain/identity.ts';
import type { Participant, System, SystemBinding, SystemCertificate } from '../domain/registry.ts';
import { toHex } from '../pki/encoding.ts';
import { presentedChainRefusal, summarize, verifyCertificate } from '../pki/verify/index.ts';
import type { ServiceDeps } from './deps.ts';
import { tokenFailureLimiter } from './token-failures.ts';

const commonName = (subject: string): string => /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1] ?? subject;

/**
 * Who is calling: the client certificate is the only credential (spec §1.4). The certificate
 * must chain to a configured trust anchor, be valid now, unrevoked, registered to an active
 * system. Every refusal names the certificate and says what to do (spec §8.5, 9001).
 */
export function identityService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'trust' | 'log'> & { settings?: Pick<ServiceDeps['settings'], 'environment'> }) {
  const tokenFailures = tokenFailureLimiter(deps.clock);
  /**
   * Chain verdicts, remembered per presented chain while the trust inputs are the same objects
   * (the trust source hands out new ones when a file changes, so a new CRL takes effect at the
   * next request), for at most a minute and never past the earliest notAfter of the chain.
   * The registry (registered? revoked by `elo ca revoke`?) is consulted on every request, through
   * `registryView` below.
   */
  const verdicts = new Map<
    string,
    { until: number; anchors: unknown; crls: unknown; verdict: Awaited<ReturnType<typeof verifyCertificate>>; summary: ReturnType<typeof summarize> }
  >();
  const VERDICT_TTL_MS = 60_000;

  /**
   * The runtime hands the same peer object for every request of one TLS connection
   * (runtime/node-peer.ts): its key is hashed once per connection, not once per request.
   */
  const chainKeys = new WeakMap<PeerCertificate, Promise<string>>();
  function chainKey(peer: PeerCertificate): Promise<string> {
    let key = chainKeys.get(peer);
    if (!key) chainKeys.set(peer, (key = hashChain(peer)));
    return key;
  }

  async function hashChain(peer: PeerCertificate): Promise<string> {
    const parts = [peer.leaf, ...peer.chain];
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length + 4, 0));
    let o = 0;
    for (const p of parts) {
      new DataView(all.buffer).setUint32(o, p.length);
      all.set(p, o + 4);
      o += p.length + 4;
    }
    return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', all)));
  }

  async function verifyChain(peer: PeerCertificate, at: Date) {
    const anchors = await deps.trust.anchors();
    const crls = await deps.trust.crls();
    const key = await chainKey(peer);
    const hit = verdicts.get(key);
    if (hit && hit.anchors === anchors && hit.crls === crls && at.getTime() < hit.until) return hit;
    const input = {
      leaf: peer.leaf,
      intermediates: [...peer.chain, ...(await deps.trust.intermediates())],
      anchors,
      crls,
      at,
      purpose: 'client' as const,
      policy: deps.trust.policy(),
    };
    let verdict = await verifyCertificate(input);
    const anchor = verdict.chain[verdict.chain.length - 1];
    if (!verdict.valid && verdict.code === 'crl_stale' && anchor && deps.trust.crlSoftFail(anchor.fingerprint256)) {
      verdict = await verifyCertificate({ ...input, policy: { ...input.policy, staleCrlSoftFail: true } });
    }
    const notAfter = Math.min(...verdict.chain.map((c) => new Date(c.notAfter).getTime()));
    if (verdicts.size > 10_000) verdicts.clear();
    const entry = { until: Math.min(at.getTime() + VERDICT_TTL_MS, notAfter), anchors, crls, verdict, summary: summarize(peer.leaf) };
    verdicts.set(key, entry);
    return entry;
  }

  /**
   * What the registry says of a certificate (its row, its system, the system's owner, the system's
   * bindings), remembered per fingerprint while the registry's identity version stands: one read of
   * one counter per request instead of four queries. Any change to participants, systems, bindings
   * or certificates moves the counter, whichever node or `elo` command wrote it (store triggers),
   * so a revocation or a suspension still takes effect at the next request, also on a kept-alive
   * connection (issue 12 item 2). The version is read before the rows: a change landing between
   * the two leaves rows newer than their version, which the next request reads again.
   */
  const views = new Map<string, RegistryView>();
  async function registryView(fingerprint256: string): Promise<RegistryView> {
    const version = await deps.store.registry.identityVersion();
    const hit = views.get(fingerprint256);
    if (hit && hit.version === version) return hit;
    const registry = deps.store.registry;
    const certificate = await registry.getCertificate(fingerprint256);
    const system = certificate ? await registry.getSystem(certificate.systemId) : null;
    const owner = system ? await registry.getParticipant(system.participantId) : null;
    const bindings = system ? await registry.listBindings(system.id) : [];
    if (views.size > 10_000) views.clear();
    const view = { version, certificate, system, owner, bindings };
    views.set(fingerprint256, view);
    return view;
  }

  return {
    /**
     * Administration and monitoring faces: a bearer token, stored only as its SHA-256. Every
     * failure is logged with its origin (never the token), and an origin with too many recent
     * failures is refused before its token is even looked at.
     */
    async authenticateToken(header: string | undefined, origin = 'desconhecida'): Promise<AdminPrincipal> {
      const wait = tokenFailures.retryAfterSeconds(origin);
      if (wait > 0) {
        deps.log({ level: 'warn', event: 'token_admin_bloqueado', data: { origem: origin, segundos: wait } });
        throw new EloError(
          'admin_token_rate_limited',
          `Muitas tentativas com token de administração inválido a partir de ${origin}. Tente novamente em ${wait} s, com o token correto.`,
          { origin, retryAfterSeconds: wait },
        );
      }
      // A request without a token, or with a real one since revoked, guesses nothing: it is logged
      // but does not count toward the lockout, which is there to stop guessing (and a browser, a
      // probe or a forgotten script would otherwise lock out an operator behind the same address).
      const refuse = (reason: 'ausente' | 'desconhecido' | 'revogado', message: string): never => {
        const count = reason === 'desconhecido' ? tokenFailures.fail(origin) : undefined;
        deps.log({ level: 'warn', event: 'token_admin_recusado', data: { origem: origin, motivo: reason, ...(count ? { falhasRecentes: count } : {}) } });
        throw new EloError('admin_token_invalid', message);
      };
      const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
      if (!token) {
        return refuse('ausente', 'Informe o token de administração no cabeçalho "Authorization: Bearer <token>" (o token inicial fica no arquivo admin-token da pasta de dados do hub: ELO_DATA_DIR, ou .elo/ por padrão).');
      }
      const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
      const found = await deps.store.tokens.findToken(toHex(digest));
      if (!found) return refuse('desconhecido', 'Token de administração inválido. Confira o token ou peça um novo à administração da federação.');
      if (found.revokedAt) return refuse('revogado', `Este token de administração (${found.id}) foi revogado em ${found.revokedAt}. Peça um novo à administração da federação.`);
      return { role: found.role, label: found.label, participantId: found.participantId };
    },

    async authenticate(peer: PeerCertificate | null): Promise<Caller> {
      if (!peer) {
        throw new EloError(
          'certificate_missing',
          'Nenhum certificado de cliente foi apresentado na conexão TLS. Configure o certificado do sistema (arquivo PEM com certificado e chave) e tente novamente.',
        );
      }
      const at = deps.clock.now();
      // Counted and measured before anything is parsed, hashed or verified: a chain padded with
      // certificates that certify each other must cost the hub nothing (docs/ameacas.md).
      const tooLarge = presentedChainRefusal(peer.leaf, peer.chain);
      const { verdict, summary } = tooLarge
        ? { verdict: tooLarge, summary: summarize(peer.leaf) }
        : await verifyChain(peer, at);
      const cn = commonName(summary.subject);
      if (!verdict.valid) {
        throw new EloError(
          'certificate_refused',
          `Transação não autorizada devido a falta de integridade do seu certificado com common name '${cn}': ${verdict.message} (código: ${verdict.code})`,
          { reason: verdict.code, subject: summary.subject, serial: summary.serial, fingerprint256: summary.fingerprint256 },
        );
      }
      const declared = declaredEnvironment(summary.subject);
      const served = deps.settings?.environment;
      if (declared && served && declared !== served) {
        throw new EloError(
          'certificate_refused',
          `O certificado com common name '${cn}' foi emitido para o ambiente de ${ambienteNome[declared]}, e este hub é de ${ambienteNome[served]}. Use o certificado emitido para ${ambienteNome[served]} (um certificado nunca serve aos dois ambientes).`,
          { reason: 'environment_mismatch', subject: summary.subject, ambienteDoCertificado: declared, ambienteDoHub: served },
        );
      }
      const { certificate, system, owner, bindings } = await registryView(summary.fingerprint256);
      if (!certificate) {
        throw new EloError(
          'certificate_refused',
          `Certificado com common name '${cn}' (série ${summary.serial}, SHA-256 ${summary.fingerprint256}) não está vinculado a nenhum sistema. Peça à administração da federação que registre este certificado para o seu sistema.`,
          { reason: 'certificate_unregistered', subject: summary.subject, fingerprint256: summary.fingerprint256 },
        );
      }
      if (certificate.status !== 'active') {
        throw new EloError(
          'certificate_refused',
          `O certificado com common name '${cn}' (série ${summary.serial}) foi revogado em ${certificate.revokedAt ?? 'data não registrada'}. Use o certificado novo emitido para o sistema "${certificate.systemId}".`,
          { reason: 'cert_revoked', fingerprint256: summary.fingerprint256 },
        );
      }
      if (!system || !system.ativo) {
        throw new EloError(
          'certificate_refused',
          `O sistema "${certificate.systemId}", dono do certificado com common name '${cn}', está desativado na federação. Procure a administração da federação.`,
          { reason: 'system_inactive', systemId: certificate.systemId },
        );
      }
      // A suspended or disconnected participant's systems are refused at their next request, on
      // every face, naming the participant and the reason (README "Participantes suspensos ou desligados").
      if (owner && !participantTransfers(owner.status)) {
        throw new EloError(
          'participant_inactive',
          `O sistema "${system.id}" pertence a ${participantLabel(owner)}, que está ${participantStatusLabel(owner.status)} na federação desde ${owner.statusChangedAt.slice(0, 10)}` +
            `${owner.statusReason ? `: ${owner.statusReason}` : ''}. Enquanto isso, os sistemas dele não enviam nem recebem trâmites; procure a administração da federação.`,
          { reason: 'participant_inactive', systemId: system.id, participante: owner.id, situacao: owner.status },
        );
      }
      return { system, certificate, bindings };
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;

interface RegistryView {
  version: number;
  certificate: SystemCertificate | null;
  system: System | null;
  owner: Participant | null;
  bindings: SystemBinding[];
}
