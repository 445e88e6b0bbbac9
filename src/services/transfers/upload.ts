import { clip } from '../../domain/bounded-text.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import type { StagedBlob } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { situacaoConflict } from './guards.ts';
import { naSituacao, workflowDecisions } from './workflow.ts';
import { blobLocks } from '../storage/blob-locks.ts';
import { capacityService, formatBytes, MAX_PART_BYTES } from '../storage/capacity.ts';

export interface UploadTarget {
  ticket: string;
  tramites: TramiteRecord[];
  /** Largest size among the hashes still requested: nothing bigger is worth reading. */
  maxSize: number;
}

/** Whole upload of a component by ticket (spec §2.10). */
export function uploadService(deps: ServiceDeps) {
  const { tramites } = deps.store;
  const locks = blobLocks(deps.blobs, deps.store.locks);
  const capacity = capacityService(deps);
  const { awaitingComponents, componentsComplete } = workflowDecisions(deps);

  async function openTicket(caller: Caller, ticket: string): Promise<UploadTarget> {
    const list = /^\d{1,10}$/.test(ticket) ? await tramites.getByTicket(ticket) : [];
    // Tickets are sequential: a system that is no party of the ticket's trâmites is answered
    // exactly as for a missing ticket, so nobody learns which tickets exist (spec §4.2:
    // authorisation rests on the certificate). Their receiver already knows them: 9002.
    const id = caller.system.id;
    if (list.length === 0 || list.every((t) => t.senderSystemId !== id && t.receiverSystemId !== id)) {
      throw new EloError('not_found', `Ticket de envio ${ticket} não encontrado.`, { ticket });
    }
    if (list.some((t) => t.senderSystemId !== id)) {
      throw new EloError('not_authorised', `Sistema não autorizado a usar o ticket de envio ${ticket}: ele pertence ao remetente do trâmite.`, { ticket });
    }
    const open = list.filter((t) => awaitingComponents().includes(t.situacao));
    if (open.length === 0) throw situacaoConflict(list[0]!, `O envio de componentes digitais só é aceito ${naSituacao(awaitingComponents())}.`);
    let maxSize = 0;
    for (const t of open) for (const c of await tramites.components(t.idt)) if (c.requested) maxSize = Math.max(maxSize, c.size);
    return { ticket, tramites: open, maxSize };
  }

  /** The requested component of a ticket for a hash, or a 0001 naming it (spec §2.10). */
  async function requestedComponent(target: UploadTarget, hash: string | undefined, protocolo: string | undefined) {
    if (!hash) {
      throw validationFailed({ path: 'hashDoComponenteDigital', message: 'é obrigatório (campo do formulário ou parâmetro de consulta)' });
    }
    for (const t of target.tramites) {
      const c = (await tramites.components(t.idt)).find((x) => x.hash === hash && x.requested);
      if (c) return { hash, size: c.size, tramite: t };
    }
    throw validationFailed(
      { path: 'hashDoComponenteDigital', message: `${clip(hash)} não foi solicitado para o trâmite ${target.tramites[0]!.idt} (protocolo ${clip(protocolo ?? 'não informado')})` },
      { hash: clip(hash) },
    );
  }

  const uploadId = (ticket: string, hash: string) => `${ticket}/${hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;

  /**
   * Part uploads of one component run one at a time between the overlap check and the keep, so
   * two overlapping parts arriving together cannot both be kept (this node; a multi-node store
   * will need the same guarantee from the store).
   */
  const partLocks = new Map<string, Promise<unknown>>();
  async function exclusively<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = partLocks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    partLocks.set(key, run);
    try {
      return await run;
    } finally {
      if (partLocks.get(key) === run) partLocks.delete(key);
    }
  }

  const describe = (ranges: { ini: number; fim: number }[]) => ranges.map((r) => `[${r.ini}, ${r.fim})`).join(', ');

  return {
    openTicket,

    /**
     * Streams the bytes of an upload aside while hashing them, reading at most `maxSize` bytes;
     * nothing is visible until a later accept commits it (spec §2.10: a refused upload keeps nothing).
     */
    stage: (body: ReadableStream<Uint8Array>, maxSize: number): Promise<StagedBlob> => deps.blobs.stage(body, maxSize),
    /** Drops staged bytes that will not be accepted. */
    discard: (staged: StagedBlob): Promise<void> => deps.blobs.discard(staged),

    /** Before a whole upload is read: room for the largest requested component (free-space floor). */
    async admitWhole(target: UploadTarget): Promise<void> {
      await capacity.requireRoom(target.maxSize, 'upload');
    },

    /**
     * Before a part is read (spec §2.11): the declared range is at most the protocol's 200 MB
     * block, and there is room for it; nothing of a refused part is stored.
     */
    async admitPart(target: UploadTarget, range: { ini: number; fim: number }): Promise<void> {
      if (range.fim - range.ini > MAX_PART_BYTES) {
        throw new EloError(
          'part_too_large',
          `A parte [${range.ini}, ${range.fim}) tem ${formatBytes(range.fim - range.ini)}, acima do bloco máximo de transferência de ${formatBytes(MAX_PART_BYTES)} (200 MB). Envie o componente em partes de até 200 MB.`,
          { range, max: MAX_PART_BYTES },
        );
      }
      await capacity.requireRoom(range.fim - range.ini, 'upload');
    },

    /**
     * `PUT …/partes/{ini}-{fim}` (spec §2.11): the range is half-open, `fim` ≤ the declared size,
     * the part length equals `fim − ini`; parts arrive in any order and a re-sent part replaces
     * the old one. A part overlapping another range is refused (the assembled bytes would be
     * ambiguous).
     */
    async acceptPart(input: {
      caller: Caller;
      target: UploadTarget;
      range: { ini: number; fim: number };
      hash: string | undefined;
      protocolo: string | undefined;
      staged: StagedBlob;
    }): Promise<void> {
      const { target, range, staged } = input;
      try {
        const c = await requestedComponent(target, input.hash, input.protocolo);
        if (range.fim > c.size) {
          throw new EloError(
            'part_beyond_size',
            `A parte informada ultrapassa o tamanho do componente digital informado nos metadados do trâmite: parte [${range.ini}, ${range.fim}), componente de ${c.size} bytes (hash ${c.hash}).`,
            { range, size: c.size },
          );
        }
        if (range.fim <= range.ini || staged.tooLarge || staged.size !== range.fim - range.ini) {
          throw new EloError(
            'component_mismatch',
            `A parte [${range.ini}, ${range.fim}) do componente ${c.hash} chegou com ${staged.tooLarge ? 'mais' : staged.size} bytes; eram esperados ${Math.max(0, range.fim - range.ini)}. Envie a parte de novo.`,
            { range, received: staged.size },
          );
        }
        const upload = uploadId(target.ticket, c.hash);
        await exclusively(upload, async () => {
          const overlapping = (await deps.blobs.listParts(upload)).filter(
            (p) => !(p.ini === range.ini && p.fim === range.fim) && p.ini < range.fim && range.ini < p.fim,
          );
          if (overlapping.length) {
            throw validationFailed(
              {
                path: '',
                message: `a parte [${range.ini}, ${range.fim}) sobrepõe partes já recebidas (${describe(overlapping)}) do componente ${c.hash}. Reenvie as partes com os mesmos limites.`,
              },
              { range, overlapping },
            );
          }
          await deps.blobs.keepPart(upload, range, staged);
        });
      } catch (e) {
        await deps.blobs.discard(staged);
        throw e;
      }
    },

    /**
     * `POST …/partes/sinalizacao-termino-envio` (spec §2.12): the parts must cover [0, size)
     * exactly; the assembled bytes are hashed as they stream and kept only if they match.
     */
    async endPartedUpload(input: { caller: Caller; target: UploadTarget; hash: string | undefined; protocolo: string | undefined }): Promise<TramiteRecord[]> {
      const c = await requestedComponent(input.target, input.hash, input.protocolo);
      const upload = uploadId(input.target.ticket, c.hash);
      const parts = await deps.blobs.listParts(upload);
      const missing: { ini: number; fim: number }[] = [];
      let reached = 0;
      for (const p of parts) {
        if (p.ini > reached) missing.push({ ini: reached, fim: p.ini });
        reached = Math.max(reached, p.fim);
      }
      if (reached < c.size) missing.push({ ini: reached, fim: c.size });
      if (missing.length) {
        throw new EloError(
          'component_mismatch',
          `Envio incompleto do componente digital ${c.hash} (protocolo ${input.protocolo ?? c.tramite.protocolo}): faltam as faixas ${describe(missing)} de ${c.size} bytes. Envie as partes que faltam e sinalize o término de novo.`,
          { missing, size: c.size },
        );
      }
      // assembling writes the whole component once more
      await capacity.requireRoom(c.size, 'upload');
      const staged = await deps.blobs.assembleParts(upload, parts, c.size);
      // A mismatch keeps the parts as they were (a refusal changes nothing): the sender may
      // re-send the wrong part and signal again. Parts of tickets that left situação 1 are
      // swept (auto-cancel sweep).
      const result = await this.acceptComponent({ ...input, staged });
      await deps.blobs.dropParts(upload);
      return result;
    },

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
          throw validationFailed({ path: 'hashDoComponenteDigital', message: 'é obrigatório (campo do formulário ou parâmetro de consulta)' });
        }
        const hash = input.hash;
        const owners: { t: TramiteRecord; size: number }[] = [];
        for (const t of target.tramites) {
          const c = (await tramites.components(t.idt)).find((x) => x.hash === hash && x.requested);
          if (c) owners.push({ t, size: c.size });
        }
        if (owners.length === 0) {
          throw validationFailed(
            {
              path: 'hashDoComponenteDigital',
              message: `${clip(hash)} não foi solicitado para o trâmite ${target.tramites[0]!.idt} (protocolo ${clip(input.protocolo ?? 'não informado')})`,
            },
            { hash: clip(hash) },
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
        // Commit and refer under the blob's lock: the retention sweep may be removing the same bytes.
        return await locks.run(staged.key, async () => {
          const key = await deps.blobs.commit(staged);
          deps.metrics?.componentBytes('entrada', staged.size);
          return tramites.markReceived(
            owners.map((o) => o.t.idt),
            hash,
            staged.size,
            key,
            deps.clock.now().toISOString(),
            { kind: 'componente.recebido', actor: input.caller.system.id, data: { hash, size: staged.size } },
            componentsComplete(),
          );
        });
      } catch (e) {
        await deps.blobs.discard(staged);
        throw e;
      }
    },
  };
}
