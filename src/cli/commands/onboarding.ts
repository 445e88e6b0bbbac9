import { randomBytes, randomUUID } from 'node:crypto';
import { ONBOARDING_STATUSES, type OnboardingRequest } from '../../domain/onboarding.ts';
import { caAdmin } from '../../runtime/ca-admin.ts';
import type { EloConfig } from '../../runtime/config.ts';
import { onboardingService } from '../../services/onboarding.ts';
import { participantService } from '../../services/participants.ts';
import { structureTreeService } from '../../services/structures-import/structure-tree-service.ts';
import { systemService } from '../../services/systems.ts';
import type { Store } from '../../store/index.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/**
 * `elo invite create` and `elo onboarding …`: onboarding in one approval on the data folder of
 * this hub (the same service as `/admin/api/convites` and `/admin/api/adesoes`).
 */
const OPERATOR = 'cli';

function service(config: EloConfig, store: Store) {
  const clock = { now: () => new Date() };
  const participants = participantService({ store, clock });
  return onboardingService(
    {
      store,
      clock,
      ids: { uuid: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) },
      certificateIssuer: { issueFromCsr: (id, csr, at) => caAdmin(config, store).issueFromCsr(id, csr, at) },
    },
    participants,
    structureTreeService({ store, clock }, participants),
    systemService({ store, clock }, participants),
  );
}

const line = (r: OnboardingRequest) =>
  `${r.id}  ${r.status.padEnd(9)}  ${String(r.data.participante.nome ?? '')} (CNPJ ${String(r.data.participante.cnpj ?? '')}), sistema "${r.data.sistema.id}", repositório ${r.data.repositorio.id}, enviado em ${r.submittedAt}` +
  (r.decidedAt ? `; ${r.status} em ${r.decidedAt} por ${r.decidedBy}${r.reason ? `: ${r.reason}` : ''}` : '');

export const runInviteCreate = dataDirCommand(
  `Uso: elo invite create [--validade-dias N] [--nota TEXTO] [--json]

Cria um convite de adesão de uso único (válido por 14 dias, ou N entre 1 e 90) e o mostra uma
única vez: o parceiro o usa em "Authorization: Convite <código>" para enviar o pedido de adesão
(POST /api/v1/adesao). O hub guarda só o SHA-256 do código.`,
  { 'validade-dias': { type: 'string' }, nota: { type: 'string' } },
  async ({ values, io, config, store }) => {
    const days = values['validade-dias'] === undefined ? undefined : Number(values['validade-dias']);
    const r = await service(config, store).invite(OPERATOR, { ...(days === undefined ? {} : { validadeDias: days }), ...(values.nota ? { nota: values.nota } : {}) });
    io.out(values.json ? JSON.stringify(r, null, 2) : `Convite criado, válido até ${r.expiraEm}. Entregue-o ao parceiro; ele não será mostrado de novo.\n  ${r.codigo}`);
    return EXIT_OK;
  },
  { existing: true },
);

export const runOnboardingList = dataDirCommand(
  `Uso: elo onboarding list [--situacao pendente|aprovando|aprovada|recusada] [--json]

Lista os pedidos de adesão (quem espera aprovação, e os já decididos).`,
  { situacao: { type: 'string' } },
  async ({ values, io, config, store }) => {
    if (values.situacao && !(ONBOARDING_STATUSES as readonly string[]).includes(values.situacao)) {
      io.err(`--situacao é ${ONBOARDING_STATUSES.join(', ')}.`);
      return EXIT_USAGE;
    }
    const all = await service(config, store).list(values.situacao);
    if (values.json) io.out(JSON.stringify(all.map(({ data, ...r }) => ({ ...r, participante: data.participante, repositorio: data.repositorio, sistema: data.sistema })), null, 2));
    else if (!all.length) io.out('Nenhum pedido de adesão.');
    else for (const r of all) io.out(line(r));
    return EXIT_OK;
  },
  { existing: true },
);

export const runOnboardingApprove = dataDirCommand(
  `Uso: elo onboarding approve --id N [--motivo TEXTO] [--json]

Aprova um pedido de adesão pendente: cadastra o participante (ativo), importa a árvore de
unidades, cadastra o sistema nas raízes da árvore e emite o certificado a partir da CSR. O
parceiro busca o certificado com o convite (GET /api/v1/adesao).`,
  { id: { type: 'string' }, motivo: { type: 'string' } },
  async ({ values, io, config, store }) => {
    if (!/^\d+$/.test(values.id ?? '')) {
      io.err('Informe o pedido com --id N (veja "elo onboarding list").');
      return EXIT_USAGE;
    }
    const r = await service(config, store).approve(Number(values.id), OPERATOR, values.motivo);
    io.out(values.json ? JSON.stringify(r, null, 2) : `Pedido ${r.id} aprovado: ${line(r)}.`);
    return EXIT_OK;
  },
  { existing: true },
);

export const runOnboardingRefuse = dataDirCommand(
  `Uso: elo onboarding refuse --id N --motivo TEXTO [--json]

Recusa um pedido de adesão pendente; o parceiro lê o motivo com o convite. Nada é cadastrado.`,
  { id: { type: 'string' }, motivo: { type: 'string' } },
  async ({ values, io, config, store }) => {
    if (!/^\d+$/.test(values.id ?? '') || !values.motivo) {
      io.err('Informe o pedido com --id N e o motivo com --motivo "…".');
      return EXIT_USAGE;
    }
    const r = await service(config, store).refuse(Number(values.id), OPERATOR, values.motivo);
    io.out(values.json ? JSON.stringify(r, null, 2) : `Pedido ${r.id} recusado: ${r.reason}.`);
    return EXIT_OK;
  },
  { existing: true },
);
