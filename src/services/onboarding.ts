import { formatCnpj } from '../domain/cnpj.ts';
import { EloError } from '../domain/errors.ts';
import { participantInputSchema } from '../domain/participant.ts';
import type { OnboardingData, OnboardingRequest, OnboardingStatus } from '../domain/onboarding.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import { toBase64Url, toHex } from '../pki/encoding.ts';
import { sha256 } from '../pki/sha256.ts';
import { x509 } from '../pki/x509.ts';
import type { ServiceDeps } from './deps.ts';
import type { ParticipantService } from './participants.ts';
import { parseStructuresFile, StructureFileError } from './structures-import/parse-structures-file.ts';
import type { structureTreeService } from './structures-import/structure-tree-service.ts';
import { systemInputSchema, type systemService } from './systems.ts';

const DAY = 86_400_000;
const PREFIX = 'elo_convite_';
const digestOf = (code: string) => toHex(sha256(new TextEncoder().encode(code.trim())));

/** How many units a submitted tree holds (null when it does not read), for the administrator's list. */
export function treeUnitCount(text: string): number | null {
  try {
    return parseStructuresFile(new TextEncoder().encode(text), () => true).rows.length;
  } catch {
    return null;
  }
}

/** The largest request a partner may submit (the tree as text included): README "Adesão por convite". */
export const MAX_ONBOARDING_BYTES = 20 * 1_048_576;

/**
 * Onboarding in one approval (domain/onboarding.ts). The invitation is the partner's only
 * credential before approval: one-time, expiring, stored hashed. Everything a partner submits is
 * checked when it arrives (participant data, tree, system id, CSR), so the administrator decides
 * on a request that can be carried out; approval carries it out in one act: the participant
 * (active), its tree (version 1), its system bound to the tree's roots and its certificate.
 */
export function onboardingService(
  deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids' | 'certificateIssuer'>,
  participants: ParticipantService,
  trees: ReturnType<typeof structureTreeService>,
  systems: ReturnType<typeof systemService>,
) {
  const { onboarding, registry } = deps.store;

  const invalidInvitation = () =>
    new EloError('admin_token_invalid', 'Convite inválido, já usado ou vencido. Peça um novo convite à administração da federação.');

  /** Every problem of a submission, before anything is stored. */
  async function problemsOf(data: OnboardingData): Promise<string[]> {
    const problems: string[] = [];
    const p = participantInputSchema.safeParse(data.participante);
    if (!p.success) for (const i of p.error.issues) problems.push(`participante.${i.path.join('.')}: ${i.message}`);
    else if (await registry.findParticipantByCnpj(p.data.cnpj)) problems.push(`participante.cnpj: o CNPJ ${formatCnpj(p.data.cnpj)} já participa da federação`);
    if (!Number.isInteger(data.repositorio?.id) || data.repositorio.id < 1) problems.push('repositorio.id: deve ser um número inteiro positivo');
    if (!data.repositorio?.nome?.trim()) problems.push('repositorio.nome: é obrigatório');
    const owners = Number.isInteger(data.repositorio?.id) ? await registry.structureOwners(data.repositorio.id) : new Map();
    try {
      const tree = parseStructuresFile(new TextEncoder().encode(data.estruturas ?? ''), (n) => owners.has(n));
      for (const r of tree.rows) if (owners.has(r.numero)) problems.push(`estruturas: linha ${r.line}: a estrutura ${r.numero} já existe no repositório ${data.repositorio.id}`);
      if (tree.rows.length === 0) problems.push('estruturas: o arquivo não tem nenhuma unidade');
    } catch (e) {
      if (!(e instanceof StructureFileError)) throw e;
      for (const x of e.problems) problems.push(`estruturas: ${x}`);
    }
    const sys = systemInputSchema.shape.id.safeParse(data.sistema?.id);
    if (!sys.success) problems.push(`sistema.id: ${sys.error.issues[0]!.message}`);
    else if (await registry.getSystem(sys.data)) problems.push(`sistema.id: já existe um sistema "${sys.data}"; escolha outro`);
    if (!data.sistema?.nome?.trim()) problems.push('sistema.nome: é obrigatório');
    try {
      const csr = new x509.Pkcs10CertificateRequest(data.csr ?? '');
      if (!(await csr.verify())) problems.push('csr: a assinatura da requisição não confere; gere a CSR de novo');
    } catch {
      problems.push('csr: não é uma requisição de certificado PKCS#10 em PEM (-----BEGIN CERTIFICATE REQUEST-----)');
    }
    return problems;
  }

  async function get(id: number): Promise<OnboardingRequest> {
    const r = await onboarding.getOnboarding(id);
    if (!r) throw new EloError('not_found', `Pedido de adesão ${id} não encontrado.`);
    return r;
  }

  const refusedSubmission = (problems: string[]) =>
    new EloError('validation_failed', ['O pedido de adesão foi recusado e nada foi guardado; o convite continua valendo. Problemas:', ...problems.slice(0, 200).map((p) => `- ${p}`)].join('\n'), {
      problemas: problems,
    });

  return {
    /** A one-time invitation; the code is returned once and stored only as its SHA-256. */
    async invite(actor: string, o: { validadeDias?: number; nota?: string } = {}): Promise<{ codigo: string; expiraEm: string }> {
      const days = o.validadeDias ?? 14;
      if (!Number.isFinite(days) || days <= 0 || days > 90) throw validationFailed({ path: 'validadeDias', message: 'deve ser um número de dias entre 1 e 90' });
      const codigo = `${PREFIX}${toBase64Url(deps.ids.randomBytes(24))}`;
      const now = deps.clock.now();
      const expiraEm = new Date(now.getTime() + days * DAY).toISOString();
      const sha = digestOf(codigo);
      await onboarding.addInvitation(
        { sha256: sha, createdAt: now.toISOString(), expiresAt: expiraEm, createdBy: actor, note: (o.nota ?? '').slice(0, 300), usedAt: null },
        { kind: 'convite.criado', actor, data: { convite: sha.slice(0, 12), expiraEm } },
      );
      return { codigo, expiraEm };
    },

    /** The partner's submission with its invitation: all checked, then stored pending. */
    async submit(code: string | undefined, data: OnboardingData): Promise<OnboardingRequest> {
      if (!code?.startsWith(PREFIX)) throw invalidInvitation();
      const sha = digestOf(code);
      const invitation = await onboarding.findInvitation(sha);
      const now = deps.clock.now().toISOString();
      if (!invitation || invitation.usedAt || invitation.expiresAt <= now) throw invalidInvitation();
      const problems = await problemsOf(data);
      if (problems.length) throw refusedSubmission(problems);
      const r = await onboarding.submitOnboarding(sha, now, 'pendente', data, {
        kind: 'adesao.pedida',
        actor: `convite:${sha.slice(0, 12)}`,
        data: { cnpj: String(data.participante.cnpj ?? ''), sistema: data.sistema.id },
      });
      if (!r.ok) throw invalidInvitation();
      return (await onboarding.getOnboarding(r.id))!;
    },

    /** Where the partner's request stands, and its certificate once approved. */
    async status(code: string | undefined): Promise<OnboardingRequest> {
      if (!code?.startsWith(PREFIX)) throw invalidInvitation();
      const r = await onboarding.onboardingByInvitation(digestOf(code));
      if (!r) throw new EloError('not_found', 'Nenhum pedido de adesão foi enviado com este convite.');
      return r;
    },

    list: (status?: OnboardingStatus) => onboarding.listOnboarding(status),

    get,

    /**
     * Approves a pending request: checks it again (the federation may have changed since), then
     * registers the participant (active), imports its tree, registers its system bound to each
     * root of the tree (subtree) and issues its certificate from the CSR.
     */
    async approve(id: number, actor: string, motivo?: string): Promise<OnboardingRequest> {
      const r = await get(id);
      if (r.status !== 'pendente' && r.status !== 'aprovando')
        throw new EloError('registry_conflict', `O pedido de adesão ${id} já foi ${r.status} em ${r.decidedAt ?? '?'}.`, { pedido: id, situacao: r.status });
      if (!deps.certificateIssuer) throw new EloError('not_implemented', 'Este hub não tem a AC da federação disponível para emitir o certificado do sistema.');
      const reason = (motivo ?? '').trim() || r.reason || 'adesão aprovada';
      if (r.status === 'pendente') {
        const problems = await problemsOf(r.data);
        if (problems.length) throw refusedSubmission(problems);
        // marked first: an approval interrupted after this point is resumed, not redone
        const started = await onboarding.decideOnboarding(
          id,
          'pendente',
          'aprovando',
          { at: deps.clock.now().toISOString(), by: actor, reason, certificatePem: null },
          { kind: 'adesao.aprovacao_iniciada', actor, data: { pedido: id } },
        );
        if (!started) throw new EloError('registry_conflict', `O pedido de adesão ${id} acabou de ser decidido por outra pessoa.`, { pedido: id });
      }
      // each step finds what an interrupted approval already did and goes on from there: the tree
      // import is idempotent, the participant and the system are looked up before registering,
      // and the CA hands back the certificate it already issued for this key
      const cnpj = participantInputSchema.parse(r.data.participante).cnpj;
      const participant = (await registry.findParticipantByCnpj(cnpj)) ?? (await participants.register(r.data.participante, actor, 'ativo', reason));
      const tree = new TextEncoder().encode(r.data.estruturas);
      await trees.importTree(tree, { repositorio: r.data.repositorio.id, participante: participant.cnpj, nome: r.data.repositorio.nome }, actor);
      const roots = parseStructuresFile(tree).rows.filter((x) => !x.numeroPai);
      const existing = await registry.getSystem(r.data.sistema.id);
      if (existing && existing.participantId !== participant.id)
        throw new EloError('registry_conflict', `O sistema "${existing.id}" foi registrado para outro participante enquanto a adesão ${id} era aprovada; recuse o pedido e peça outro identificador.`, { pedido: id });
      if (!existing)
        await systems.register(
          {
            id: r.data.sistema.id,
            participante: participant.cnpj,
            nome: r.data.sistema.nome,
            estruturas: roots.map((x) => ({ repositorio: r.data.repositorio.id, numero: x.numero, subarvore: true })),
          },
          actor,
        );
      const at = deps.clock.now();
      const cert = await deps.certificateIssuer.issueFromCsr(r.data.sistema.id, r.data.csr, at).catch((e: unknown) => {
        throw new EloError(
          'unavailable',
          `A AC da federação não emitiu o certificado do sistema "${r.data.sistema.id}" (${e instanceof Error ? e.message : String(e)}). ` +
            `O pedido de adesão ${id} ficou "aprovando": o participante, a árvore e o sistema já estão registrados. Corrija a AC e aprove de novo; o que já foi feito não se repete.`,
          { pedido: id },
        );
      });
      await onboarding.decideOnboarding(
        id,
        'aprovando',
        'aprovada',
        { at: at.toISOString(), by: actor, reason, certificatePem: cert.certificatePem },
        { kind: 'adesao.aprovada', actor, data: { pedido: id, participante: participant.id, sistema: r.data.sistema.id, certificado: cert.fingerprint256 } },
      );
      return get(id);
    },

    async refuse(id: number, actor: string, motivo: unknown): Promise<OnboardingRequest> {
      const reason = typeof motivo === 'string' ? motivo.trim() : '';
      if (!reason) throw validationFailed({ path: 'motivo', message: 'é obrigatório: o parceiro lê o motivo da recusa' });
      const r = await get(id);
      const done = await onboarding.decideOnboarding(id, 'pendente', 'recusada', { at: deps.clock.now().toISOString(), by: actor, reason, certificatePem: null }, {
        kind: 'adesao.recusada',
        actor,
        data: { pedido: id, motivo: reason },
      });
      if (!done) throw new EloError('registry_conflict', `O pedido de adesão ${id} já foi ${r.status}.`, { pedido: id, situacao: r.status });
      return get(id);
    },
  };
}

export type OnboardingService = ReturnType<typeof onboardingService>;
