import { unpackPlan, type ComponentPlan } from '../../domain/component-plan.ts';
import { EloError } from '../../domain/errors.ts';
import { participantLabel, participantStatusLabel, participantTransfers } from '../../domain/participant.ts';
import type { Caller } from '../../domain/identity.ts';
import { checkNreRules, type NreRegistration, type ProcessoOutline } from '../../domain/nre-rules.ts';
import { unitLabel, type UnitKey } from '../../domain/registry.ts';
import type { UnidadeRef } from '../../domain/tramita/index.ts';
import type { CodeListsSnapshot } from '../code-lists.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { NewTramite } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { blobLocks } from '../storage/blob-locks.ts';
import { capacityService, formatBytes } from '../storage/capacity.ts';
import { workflowDecisions } from './workflow.ts';
import type { StructureService } from '../structures.ts';
import { startBodyAnalysis } from './analyse.ts';

/**
 * What is kept as the trâmite's metadata when it is not the start body itself: the sender's
 * signed package XML of the native face, byte for byte (ARCHITECTURE "Byte stability"), whose
 * Tramita body (`rawBody`) is mapped from it again whenever it is read.
 */
export interface StoredMetadata {
  bytes: Uint8Array;
  format: 'xml-assinado';
}

/** The fields of a new trâmite that say what its metadata blob holds and where its parts lie. */
function metadataFields(raw: Uint8Array, spans: { packageSpan: NewTramite['packageSpan']; propsSpan: NewTramite['propsSpan'] }, stored: StoredMetadata | undefined) {
  // spans index the JSON body; a signed package is mapped again on each read, so none are kept
  return stored
    ? { metadataSize: stored.bytes.byteLength, packageSpan: null, propsSpan: null, metadataFormat: stored.format }
    : { metadataSize: raw.byteLength, ...spans };
}

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

/** The NRE's registration moved between the rule check and the creation: check again. */
class NreChanged extends Error {}

export const toUnit = (u: UnidadeRef): UnitKey => ({
  repositoryId: u.identificacaoDoRepositorioDeEstruturas,
  numero: u.numeroDeIdentificacaoDaEstrutura,
});

export const openTramiteError = (o: { idt: number; situacao: number; nre: string }) =>
  new EloError(
    'tramite_already_open',
    `Processo já possui um trâmite em andamento (IDT ${o.idt}, NRE ${o.nre}, situação ${o.situacao}). Aguarde a conclusão ou cancele o trâmite ${o.idt} antes de enviar de novo.`,
    { open: o },
  );

/**
 * The one answer for an NRE the caller may not use, whether it exists or not (spec §8.5, 9003):
 * NREs are sequential, so a distinct "not yours" would be an existence oracle.
 */
export const nreNotFound = (nre: string) => new EloError('not_found', `NRE ${nre} não encontrado. Confira o NRE do processo.`, { nre });

/** Start of trâmites: of a process (spec §2.8) and of a documento avulso (spec §2.9). */
export function startService(deps: ServiceDeps, structures: StructureService, lists: () => Promise<CodeListsSnapshot>) {
  const { registry, tramites } = deps.store;
  const locks = blobLocks(deps.blobs, deps.store.locks);
  const capacity = capacityService(deps);
  const workflow = workflowDecisions(deps);

  /**
   * Sizes are bounded where they are declared (spec §2.8, §2.9; §8.1 sets no maximum, so the
   * hub states its own): nothing is stored for a component the hub would never accept.
   */
  function requireDeclaredSizes(largest: { path: string; tamanhoEmBytes: number } | null): void {
    const max = deps.settings.maxComponentBytes;
    const over = largest && largest.tamanhoEmBytes > max ? largest : null;
    if (!over) return;
    throw new EloError(
      'component_too_large',
      `O componente digital ${over.path} declara tamanhoEmBytes ${over.tamanhoEmBytes} (${formatBytes(over.tamanhoEmBytes)}), acima do máximo de ${formatBytes(max)} aceito por este hub. Confira o tamanho informado ou divida o documento em arquivos menores.`,
      { path: over.path, tamanhoEmBytes: over.tamanhoEmBytes, max },
    );
  }
  const analyse = startBodyAnalysis(deps, lists);

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
    if (s && !s.ativo && s.successorNumero) {
      // the destination is never rewritten (the receiving SEI could not map it): the sender is told where to send
      const next = await registry.getStructure(unit.repositoryId, s.successorNumero);
      throw new EloError(
        'structure_unavailable',
        `Estrutura destinatária ${unitLabel(unit)} (${s.sigla}) está inativa: foi sucedida pela estrutura ${s.successorNumero}${next ? ` (${next.sigla} — ${next.nome})` : ''}. Envie o processo à estrutura sucessora.`,
        { destinatario: unit, sucessora: { repositoryId: unit.repositoryId, numero: s.successorNumero } },
      );
    }
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
    // A suspended or disconnected participant receives nothing: its units stop being apt to
    // receive until it is reactivated (README "Participantes suspensos ou desligados").
    const receiver = await registry.getSystem(receiverSystemId);
    const owner = receiver ? await registry.getParticipant(receiver.participantId) : null;
    if (owner && !participantTransfers(owner.status)) {
      throw new EloError(
        'structure_unavailable',
        `A estrutura destinatária ${unitLabel(unit)} (${s.sigla}) é de ${participantLabel(owner)}, que está ${participantStatusLabel(owner.status)} na federação${owner.statusReason ? ` (${owner.statusReason})` : ''}. Nenhum trâmite pode ser enviado a ela agora; consulte a administração da federação.`,
        { destinatario: unit, participante: owner.id, situacao: owner.status },
      );
    }
    return { receptora, receiverSystemId };
  }

  /**
   * The NRE's registration, when the caller may send the process on (spec §6.1). Once a trâmite
   * of the NRE reached 5 (spec §6: its documents are registered there), or its holdings were
   * imported or reassigned, only the systems bound to it may send it on; anyone else learns
   * nothing of it (not its protocolo, hashes or open trâmite) and is answered as for a missing
   * NRE. An adopted NRE with nothing bound stays open to any sender (§4.1), so a failed attempt
   * by a third system locks nobody out. `outline` is read only when the NRE is registered: the
   * rules are its only reader.
   */
  async function checkNre(caller: Caller, nre: string, outline: () => ProcessoOutline): Promise<NreRegistration | null> {
    const registration = await tramites.nreRegistration(nre);
    if (registration && (await tramites.nreHolders(nre)).length > 0 && !(await tramites.isNreParty(nre, caller.system.id))) throw nreNotFound(nre);
    if (registration) {
      const violation = checkNreRules(registration, outline());
      if (violation) throw violation;
    }
    return registration;
  }

  /** spec §6.2 envio parcial: the hashes the destination system already holds for the NRE (not asked again). */
  const heldByRecipient = (nre: string, receiverSystemId: string) => tramites.heldHashes(nre, receiverSystemId, workflow.wf.concluded);

  /**
   * Keeps the exact body before any trâmite refers to it (a trâmite never exists without its
   * package), then runs `create`; if nothing was created, a body that nothing refers to is
   * removed again, so a refusal leaves the store as it was.
   */
  async function withStoredBody<T>(rawBody: Uint8Array, create: (metadata: { key: string }) => Promise<T>): Promise<T> {
    const staged = await deps.blobs.stage(bytesStream(rawBody), rawBody.byteLength);
    // The same body may be a blob the retention sweep is removing: commit and refer under its lock.
    return locks.run(staged.key, async () => {
      const existed = (await deps.blobs.size(staged.key)) !== null;
      const key = await deps.blobs.commit(staged);
      try {
        return await create({ key });
      } catch (e) {
        if (!existed && !(await tramites.isBlobReferenced(key))) await deps.blobs.remove(key);
        throw e;
      }
    });
  }

  async function createOrConflict(t: NewTramite, at: string, actor: string, protocolo: string): Promise<TramiteRecord> {
    const quota = { maxBytes: deps.settings.systemQuotaBytes, situacoes: workflow.wf.open };
    const idtFloor = deps.settings.idtFloor ?? 0;
    const created = await tramites.create({ ...t, quota, ...(idtFloor ? { idtFloor } : {}) }, at, { kind: 'tramite.iniciado', actor, data: { protocolo } }, workflow.creation());
    if (created.ok) return created.tramite;
    if (created.reason === 'nre_changed') throw new NreChanged();
    if (created.reason === 'quota_exceeded') {
      const { inUseBytes, addedBytes, maxBytes } = created;
      // operators see it in the log; the store stays as it was (a refusal changes nothing)
      deps.log({ level: 'warn', event: 'tramite.recusado_cota', data: { sistema: actor, protocolo, emUso: inUseBytes, novo: addedBytes, cota: maxBytes } });
      throw new EloError(
        'storage_quota_exceeded',
        `Cota de armazenamento do sistema "${t.senderSystemId}" excedida: os trâmites não concluídos dele (situações 1 a 4) já declaram ${formatBytes(inUseBytes)}, este trâmite acrescentaria ${formatBytes(addedBytes)} e a cota é de ${formatBytes(maxBytes)}. Conclua ou cancele trâmites em andamento (ou aguarde que sejam recebidos) antes de enviar de novo, ou peça à administração do hub uma cota maior.`,
        { emUso: inUseBytes, novo: addedBytes, cota: maxBytes },
      );
    }
    throw openTramiteError(created.open);
  }

  return {
    requireSender,
    resolveDestination,
    requireDeclaredSizes,
    checkNre,
    heldByRecipient,
    createOrConflict,
    requireRoom: capacity.requireRoom,
    analyse,

    /** The exact body bytes: analysed (off the event loop when large), stored and relayed. */
    async startProcesso(input: { caller: Caller; rawBody: Uint8Array; stored?: StoredMetadata }): Promise<StartedTramite> {
      const { raw, analysis } = await analyse(input.rawBody, 'processo');
      const { cabecalho, protocolo, packageSpan, propsSpan } = analysis;
      const plan = unpackPlan(analysis.plan);
      // Read only when the NRE is registered: the rules are the only reader of the documents.
      let outline: ProcessoOutline | undefined;
      const remetente = toUnit(cabecalho.remetente);
      const destinatario = toUnit(cabecalho.destinatario);
      await requireSender(input.caller, remetente);
      const { receptora, receiverSystemId } = await resolveDestination(destinatario);
      requireDeclaredSizes(analysis.largestComponent);
      const kept = input.stored?.bytes ?? raw;
      await capacity.requireRoom(kept.byteLength, 'tramite');

      // spec §6.1: a known NRE brings its registered documents; a new well-formed one is adopted
      // (§4.1). The creation is compare-and-set on the registration the rules were checked
      // against: if a trâmite of the NRE reached 5 meanwhile, check again.
      for (let attempt = 1; ; attempt++) {
        let held = new Set<string>();
        let expectedNreVersion: number | undefined;
        if (cabecalho.NRE) {
          const registration = await checkNre(input.caller, cabecalho.NRE, () => (outline ??= JSON.parse(analysis.processoOutline) as ProcessoOutline));
          // compare-and-set also when the NRE is unknown (version 0): an import that binds it
          // meanwhile makes this start check again
          expectedNreVersion = registration?.version ?? 0;
          // spec §6.2 envio parcial: ask only for what the destination system does not hold yet.
          if (cabecalho.enviarApenasComponentesDigitaisPendentes) held = await heldByRecipient(cabecalho.NRE, receiverSystemId);
        }
        const needed = (hash: string) => !held.has(hash);
        try {
          const tramite = await withStoredBody(kept, (metadata) =>
            createOrConflict(
              {
                kind: 'processo',
                nre: cabecalho.NRE ?? null,
                protocolo,
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
                ...metadataFields(raw, { packageSpan, propsSpan }, input.stored),
                ticket: null,
                expectedNreVersion,
                components: plan.components.map((c) => ({ ...c, requested: needed(c.hash), pendingForReceiver: needed(c.hash) })),
              },
              deps.clock.now().toISOString(),
              input.caller.system.id,
              protocolo,
            ),
          );
          return { tramite, solicitados: solicitados(plan, protocolo, needed) };
        } catch (e) {
          if (!(e instanceof NreChanged)) throw e;
          if (attempt >= 3)
            throw new EloError('concurrent_update', `O processo do NRE ${cabecalho.NRE} mudou durante o envio (outro trâmite dele foi concluído). Envie de novo.`);
        }
      }
    },

    /** `POST tramites/documento` (spec §2.9): one trâmite per destinatário, one shared ticket. */
    async startDocumento(input: { caller: Caller; rawBody: Uint8Array; stored?: StoredMetadata }): Promise<{ ticket: string; tramites: TramiteRecord[]; solicitados: string[] }> {
      const { raw, analysis } = await analyse(input.rawBody, 'documento');
      const { cabecalho, documento, packageSpan, propsSpan } = analysis;
      const plan = unpackPlan(analysis.plan);
      const remetente = toUnit(cabecalho.remetente);
      await requireSender(input.caller, remetente);
      const destinations: { unit: UnitKey; receptora: UnitKey | null; receiverSystemId: string }[] = [];
      for (const d of cabecalho.destinatarios) destinations.push({ unit: toUnit(d), ...(await resolveDestination(toUnit(d))) });
      const protocolo = documento.protocolo ?? `avulso-${documento.ordem}`;
      requireDeclaredSizes(analysis.largestComponent);
      const kept = input.stored?.bytes ?? raw;
      await capacity.requireRoom(kept.byteLength, 'tramite');
      const at = deps.clock.now().toISOString();
      return withStoredBody(kept, async (metadata) => {
        const created: TramiteRecord[] = [];
        let ticket: string | null = null;
        for (const d of destinations) {
          // Each trâmite gets its own NRE: the completion receipt contains it (spec §2.9).
          const t = await createOrConflict(
            {
              kind: 'documento',
              nre: null,
              protocolo,
              remetente,
              destinatario: d.unit,
              receptora: d.receptora,
              senderSystemId: input.caller.system.id,
              receiverSystemId: d.receiverSystemId,
              isReplay: false,
              envioParcial: false,
              urgente: cabecalho.urgencia,
              motivoUrgencia: cabecalho.motivoDaUrgencia ?? null,
              metadataBlobKey: metadata.key,
              ...metadataFields(raw, { packageSpan, propsSpan }, input.stored),
              ticket,
              components: plan.components.map((c) => ({ ...c, requested: true, pendingForReceiver: true })),
            },
            at,
            input.caller.system.id,
            protocolo,
          );
          ticket = t.ticket;
          created.push(t);
        }
        return { ticket: ticket!, tramites: created, solicitados: plan.components.map((c) => c.hash) };
      });
    },
  };
}

/**
 * `processosComComponentesDigitaisSolicitados` (spec §2.8): one entry per process, main first;
 * from SEI 4.0.2 every process is checked against the first entry, so it repeats the apensados'.
 */
export function solicitados(plan: ComponentPlan, mainProtocolo: string, needed: (hash: string) => boolean) {
  const entries = plan.byProtocolo.map((p) => ({ protocolo: p.protocolo, hashes: p.hashes.filter(needed) }));
  const main = { protocolo: mainProtocolo, hashes: [...new Set(entries.flatMap((e) => e.hashes))] };
  return [main, ...entries.filter((e) => e.protocolo !== mainProtocolo)];
}
