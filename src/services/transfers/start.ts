import { unpackPlan, type ComponentPlan } from '../../domain/component-plan.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import { checkNreRules, type ProcessoOutline } from '../../domain/nre-rules.ts';
import { unitLabel, type UnitKey } from '../../domain/registry.ts';
import type { CodeLists, UnidadeRef } from '../../domain/tramita/index.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { NewTramite } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import type { StructureService } from '../structures.ts';
import { startBodyAnalysis } from './analyse.ts';

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

/** Start of trâmites: of a process (spec §2.8) and of a documento avulso (spec §2.9). */
export function startService(deps: ServiceDeps, structures: StructureService, lists: CodeLists) {
  const { registry, tramites } = deps.store;
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

  /**
   * Keeps the exact body before any trâmite refers to it (a trâmite never exists without its
   * package), then runs `create`; if nothing was created, a body that nothing refers to is
   * removed again, so a refusal leaves the store as it was.
   */
  async function withStoredBody<T>(rawBody: Uint8Array, create: (metadata: { key: string }) => Promise<T>): Promise<T> {
    const staged = await deps.blobs.stage(bytesStream(rawBody), rawBody.byteLength);
    const existed = (await deps.blobs.size(staged.key)) !== null;
    const key = await deps.blobs.commit(staged);
    try {
      return await create({ key });
    } catch (e) {
      if (!existed && !(await tramites.isBlobReferenced(key))) await deps.blobs.remove(key);
      throw e;
    }
  }

  async function createOrConflict(t: NewTramite, at: string, actor: string, protocolo: string): Promise<TramiteRecord> {
    const created = await tramites.create(t, at, { kind: 'tramite.iniciado', actor, data: { protocolo } });
    if (created.ok) return created.tramite;
    if (created.reason === 'nre_changed') throw new NreChanged();
    throw openTramiteError(created.open);
  }

  return {
    requireSender,
    resolveDestination,
    createOrConflict,
    analyse,

    /** The exact body bytes: analysed (off the event loop when large), stored and relayed. */
    async startProcesso(input: { caller: Caller; rawBody: Uint8Array }): Promise<StartedTramite> {
      const { raw, analysis } = await analyse(input.rawBody, 'processo');
      const { cabecalho, protocolo, packageSpan, propsSpan } = analysis;
      const plan = unpackPlan(analysis.plan);
      // Read only when the NRE is registered: the rules are the only reader of the documents.
      let outline: ProcessoOutline | undefined;
      const remetente = toUnit(cabecalho.remetente);
      const destinatario = toUnit(cabecalho.destinatario);
      await requireSender(input.caller, remetente);
      const { receptora, receiverSystemId } = await resolveDestination(destinatario);
      // spec §6.1: a known NRE brings its registered documents; a new well-formed one is adopted
      // (§4.1). The creation is compare-and-set on the registration the rules were checked
      // against: if a trâmite of the NRE reached 5 meanwhile, check again.
      for (let attempt = 1; ; attempt++) {
        let held = new Set<string>();
        let expectedNreVersion: number | undefined;
        if (cabecalho.NRE) {
          const registration = await tramites.nreRegistration(cabecalho.NRE);
          // Only a system that holds the process may send it on; anyone else learns nothing of
          // the NRE (not its protocolo, hashes or open trâmite): deny by default.
          if (registration && !(await tramites.isNreParty(cabecalho.NRE, input.caller.system.id))) {
            throw new EloError(
              'not_authorised',
              `O NRE ${cabecalho.NRE} não corresponde a um processo que o sistema "${input.caller.system.id}" tenha enviado ou recebido. Confira o NRE do processo ou envie-o sem NRE.`,
              { nre: cabecalho.NRE },
            );
          }
          if (registration) {
            outline ??= JSON.parse(analysis.processoOutline) as ProcessoOutline;
            const violation = checkNreRules(registration, outline);
            if (violation) throw violation;
            expectedNreVersion = registration.version;
          }
          // spec §6.2 envio parcial: ask only for what the destination system does not hold yet.
          if (cabecalho.enviarApenasComponentesDigitaisPendentes) held = await tramites.heldHashes(cabecalho.NRE, receiverSystemId);
        }
        const needed = (hash: string) => !held.has(hash);
        try {
          const tramite = await withStoredBody(raw, (metadata) =>
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
                packageSpan,
                propsSpan,
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
    async startDocumento(input: { caller: Caller; rawBody: Uint8Array }): Promise<{ ticket: string; tramites: TramiteRecord[]; solicitados: string[] }> {
      const { raw, analysis } = await analyse(input.rawBody, 'documento');
      const { cabecalho, documento, packageSpan, propsSpan } = analysis;
      const plan = unpackPlan(analysis.plan);
      const remetente = toUnit(cabecalho.remetente);
      await requireSender(input.caller, remetente);
      const destinations: { unit: UnitKey; receptora: UnitKey | null; receiverSystemId: string }[] = [];
      for (const d of cabecalho.destinatarios) destinations.push({ unit: toUnit(d), ...(await resolveDestination(toUnit(d))) });
      const protocolo = documento.protocolo ?? `avulso-${documento.ordem}`;
      const at = deps.clock.now().toISOString();
      return withStoredBody(raw, async (metadata) => {
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
              packageSpan,
              propsSpan,
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
