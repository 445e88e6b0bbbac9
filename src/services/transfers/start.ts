import { planComponents } from '../../domain/component-plan.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import { unitLabel, type UnitKey } from '../../domain/registry.ts';
import {
  formatValidationIssues,
  listComponents,
  parseIniciarTramiteProcesso,
  type CodeLists,
  type UnidadeRef,
} from '../../domain/tramita/index.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { ServiceDeps } from '../deps.ts';
import type { StructureService } from '../structures.ts';

export interface StartedTramite {
  tramite: TramiteRecord;
  /** Distinct hashes to upload per process, main process first (spec §2.8). */
  solicitados: { protocolo: string; hashes: string[] }[];
}

const bytesStream = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });

const toUnit = (u: UnidadeRef): UnitKey => ({
  repositoryId: u.identificacaoDoRepositorioDeEstruturas,
  numero: u.numeroDeIdentificacaoDaEstrutura,
});

/** `POST tramites/processo` (spec §2.8). */
export function startService(deps: ServiceDeps, structures: StructureService, lists: CodeLists) {
  const { registry } = deps.store;

  async function requireSender(caller: Caller, unit: UnitKey): Promise<void> {
    const s = await registry.getStructure(unit.repositoryId, unit.numero);
    if (!s || !s.ativo || !s.aptoParaEnviarTramites) {
      throw new EloError(
        'structure_unavailable',
        `Estrutura remetente ${unitLabel(unit)} ${!s ? 'não encontrada' : !s.ativo ? 'está inativa' : 'não está habilitada para enviar trâmites'}. Confira o mapeamento da unidade no sistema de origem.`,
        { remetente: unit },
      );
    }
    if (!(await structures.canActFor(caller, unit))) {
      throw new EloError(
        'not_authorised',
        `O sistema "${caller.system.id}" não está autorizado a enviar pela estrutura ${unitLabel(unit)} (${s.sigla}). Peça à administração da federação que vincule a estrutura ao sistema.`,
        { remetente: unit, systemId: caller.system.id },
      );
    }
  }

  /** The destination must exist, be active, accept trâmites, and have a system that receives for it. */
  async function resolveDestination(unit: UnitKey): Promise<{ receptora: UnitKey | null; receiverSystemId: string }> {
    const s = await registry.getStructure(unit.repositoryId, unit.numero);
    if (!s || !s.ativo || !s.aptoParaReceberTramites) {
      throw new EloError(
        'structure_unavailable',
        `Estrutura destinatária ${unitLabel(unit)} ${!s ? 'não encontrada' : !s.ativo ? 'está inativa' : 'não está habilitada para receber trâmites'}. Escolha outra unidade de destino ou consulte o comitê de protocolo do órgão de destino.`,
        { destinatario: unit },
      );
    }
    const receptora = s.codigoUnidadeReceptora ? { repositoryId: unit.repositoryId, numero: s.codigoUnidadeReceptora } : null;
    const receiverSystemId = await structures.ownerSystemOf(receptora ?? unit);
    if (!receiverSystemId) {
      throw new EloError(
        'structure_unavailable',
        `Nenhum sistema ativo recebe trâmites pela estrutura destinatária ${unitLabel(unit)} (${s.sigla}). O envio seria recusado; consulte a administração da federação.`,
        { destinatario: unit },
      );
    }
    return { receptora, receiverSystemId };
  }

  return {
    async startProcesso(input: { caller: Caller; rawBody: Uint8Array; body: unknown }): Promise<StartedTramite> {
      const parsed = parseIniciarTramiteProcesso(input.body, lists);
      if (!parsed.ok) {
        throw new EloError('validation_failed', formatValidationIssues(parsed.error), { issues: parsed.error });
      }
      const { cabecalho, processo } = parsed.value;
      const remetente = toUnit(cabecalho.remetente);
      const destinatario = toUnit(cabecalho.destinatario);
      await requireSender(input.caller, remetente);
      const { receptora, receiverSystemId } = await resolveDestination(destinatario);

      const plan = planComponents(listComponents(processo));
      if (plan.conflicts.length) {
        const c = plan.conflicts[0]!;
        throw new EloError(
          'validation_failed',
          `Os seguintes erros de validação de campos foram identificados: - os componentes ${c.paths.join(', ')} têm o mesmo hash (${c.hash}) e tamanhos diferentes (${c.sizes.join(', ')} bytes)`,
          { conflicts: plan.conflicts },
        );
      }
      // The exact body is kept only if the trâmite is created: a refusal keeps nothing.
      const metadata = await deps.blobs.stage(bytesStream(input.rawBody), input.rawBody.byteLength);
      const at = deps.clock.now().toISOString();
      let created: Awaited<ReturnType<typeof deps.store.tramites.create>>;
      try {
        created = await deps.store.tramites.create(
        {
          kind: 'processo',
          nre: cabecalho.NRE ?? null,
          protocolo: processo.protocolo,
          remetente,
          destinatario,
          receptora,
          senderSystemId: input.caller.system.id,
          receiverSystemId,
          isReplay: false,
          envioParcial: cabecalho.enviarApenasComponentesDigitaisPendentes,
          urgente: cabecalho.urgencia,
          motivoUrgencia: cabecalho.motivoDaUrgencia ?? null,
          metadataBlobKey: metadata.key,
          ticket: null,
          components: plan.components.map((c) => ({ ...c, requested: true, pendingForReceiver: true })),
        },
        at,
        { kind: 'tramite.iniciado', actor: input.caller.system.id, data: { protocolo: processo.protocolo } },
      );
      } catch (e) {
        await deps.blobs.discard(metadata);
        throw e;
      }
      if (created.ok) await deps.blobs.commit(metadata);
      else await deps.blobs.discard(metadata);
      if (!created.ok) {
        const o = created.open;
        throw new EloError(
          'tramite_already_open',
          `Processo já possui um trâmite em andamento (IDT ${o.idt}, NRE ${o.nre}, situação ${o.situacao}). Aguarde a conclusão ou cancele o trâmite ${o.idt} antes de enviar de novo.`,
          { open: o },
        );
      }
      // spec §2.8 (4.0.2+): SEI checks every process's components against the first entry,
      // so the main process's entry repeats the apensados' hashes.
      const [main, ...apensados] = plan.byProtocolo;
      const mainEntry = {
        protocolo: processo.protocolo,
        hashes: [...new Set([...(main?.protocolo === processo.protocolo ? main.hashes : []), ...plan.byProtocolo.flatMap((p) => p.hashes)])],
      };
      const rest = (main?.protocolo === processo.protocolo ? apensados : plan.byProtocolo).filter(
        (p) => p.protocolo !== processo.protocolo,
      );
      return { tramite: created.tramite, solicitados: [mainEntry, ...rest] };
    },
  };
}
