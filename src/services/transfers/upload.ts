import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { StagedBlob } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { situacaoConflict } from './guards.ts';

export interface UploadTarget {
  ticket: string;
  tramites: TramiteRecord[];
  /** Largest size among the hashes still requested: nothing bigger is worth reading. */
  maxSize: number;
}

/** Whole upload of a component by ticket (spec §2.10). */
export function uploadService(deps: ServiceDeps) {
  const { tramites } = deps.store;

  async function openTicket(caller: Caller, ticket: string): Promise<UploadTarget> {
    const list = /^\d{1,10}$/.test(ticket) ? await tramites.getByTicket(ticket) : [];
    if (list.length === 0) throw new EloError('not_found', `Ticket de envio ${ticket} não encontrado.`, { ticket });
    if (list.some((t) => t.senderSystemId !== caller.system.id)) {
      throw new EloError(
        'not_authorised',
        `Sistema não autorizado a operar o trâmite ${list[0]!.idt}: o ticket ${ticket} pertence a outro remetente.`,
        { ticket },
      );
    }
    const open = list.filter((t) => t.situacao === 1);
    if (open.length === 0) throw situacaoConflict(list[0]!, 'O envio de componentes digitais só é aceito na situação 1.');
    let maxSize = 0;
    for (const t of open) for (const c of await tramites.components(t.idt)) if (c.requested) maxSize = Math.max(maxSize, c.size);
    return { ticket, tramites: open, maxSize };
  }

  return {
    openTicket,
    /**
     * Accepts staged bytes for a requested hash: size and SHA-256 must match the metadata, or
     * the bytes are discarded and the upload refused naming both hashes (spec §2.10, 9006).
     */
    async acceptComponent(input: {
      caller: Caller;
      target: UploadTarget;
      hash: string | undefined;
      protocolo: string | undefined;
      staged: StagedBlob;
    }): Promise<TramiteRecord[]> {
      const { target, staged } = input;
      try {
        if (staged.tooLarge) {
          throw new EloError(
            'component_mismatch',
            `O componente digital enviado tem mais de ${target.maxSize} bytes, o maior tamanho informado nos metadados do trâmite ${target.tramites[0]!.idt}. Confira o arquivo e envie de novo.`,
            { maxSize: target.maxSize },
          );
        }
        if (!input.hash) {
          throw new EloError(
            'validation_failed',
            'Os seguintes erros de validação de campos foram identificados: - hashDoComponenteDigital é obrigatório (campo do formulário ou parâmetro de consulta)',
          );
        }
        const hash = input.hash;
        const owners: { t: TramiteRecord; size: number }[] = [];
        for (const t of target.tramites) {
          const c = (await tramites.components(t.idt)).find((x) => x.hash === hash && x.requested);
          if (c) owners.push({ t, size: c.size });
        }
        if (owners.length === 0) {
          throw new EloError(
            'validation_failed',
            `Os seguintes erros de validação de campos foram identificados: - hashDoComponenteDigital ${hash} não foi solicitado para o trâmite ${target.tramites[0]!.idt} (protocolo ${input.protocolo ?? 'não informado'})`,
            { hash },
          );
        }
        const expectedSize = owners[0]!.size;
        if (staged.tooLarge || staged.size !== expectedSize) {
          throw new EloError(
            'component_mismatch',
            `Tamanho do componente digital recebido (${staged.tooLarge ? `mais de ${expectedSize}` : staged.size} bytes) não confere com o informado nos metadados (${expectedSize} bytes) para o hash ${hash} do protocolo ${input.protocolo ?? owners[0]!.t.protocolo}. Envie o arquivo novamente.`,
            { hash, expectedSize, receivedSize: staged.size },
          );
        }
        if (staged.sha256 !== hash) {
          throw new EloError(
            'component_mismatch',
            `Hash do componente digital recebido (${staged.sha256}) não confere com o informado nos metadados (${hash}) no protocolo ${input.protocolo ?? owners[0]!.t.protocolo}. O arquivo foi alterado depois de gerados os metadados; gere o trâmite de novo.`,
            { expected: hash, computed: staged.sha256 },
          );
        }
        const key = await deps.blobs.commit(staged);
        return tramites.markReceived(
          owners.map((o) => o.t.idt),
          hash,
          staged.size,
          key,
          deps.clock.now().toISOString(),
          { kind: 'componente.recebido', actor: input.caller.system.id, data: { hash, size: staged.size } },
        );
      } catch (e) {
        await deps.blobs.discard(staged);
        throw e;
      }
    },
  };
}
