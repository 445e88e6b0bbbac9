import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { UnitKey } from '../../domain/registry.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { ServiceDeps } from '../deps.ts';
import { workflowDecisions } from './workflow.ts';
import { nreNotFound, type startService } from './start.ts';
import { blobLocks } from '../storage/blob-locks.ts';

/**
 * `POST NREs/{nre}/destinatarios/{rep}/{estrutura}/reproducoes-de-tramite` (spec §2.25): a new
 * trâmite of the NRE replaying its newest one, flagged `reproducaoDeTramite`; the sender sees
 * pendência 1 and uploads every component again.
 */
export function replayService(deps: ServiceDeps, start: ReturnType<typeof startService>) {
  const { tramites } = deps.store;
  const locks = blobLocks(deps.blobs, deps.store.locks);
  const { wf } = workflowDecisions(deps);
  return {
    async replay(caller: Caller, nre: string, destinatario: UnitKey): Promise<{ tramite: TramiteRecord; solicitados: { protocolo: string; hashes: string[] }[] }> {
      const [newest] = await tramites.query({ nre, limit: 1 });
      if (!newest) throw nreNotFound(nre);
      // A system that is neither bound to the NRE nor a party of its newest trâmite gets the
      // answer of a missing NRE (no existence oracle, docs/ameacas.md).
      const holders = await tramites.nreHolders(nre);
      const id = caller.system.id;
      if (!holders.some((h) => h.systemId === id) && newest.senderSystemId !== id && newest.receiverSystemId !== id) throw nreNotFound(nre);
      if (holders.length > 0 && !holders.some((h) => h.systemId === id)) {
        throw new EloError('not_authorised', `Sistema não autorizado a reproduzir o trâmite do NRE ${nre}: o sistema "${id}" não detém o processo.`, { nre });
      }
      // The replaying system holds the process: the receiver of a delivered trâmite, or its sender.
      const remetente =
        newest.receiverSystemId === caller.system.id && wf.concluded.includes(newest.situacao)
          ? newest.destinatario
          : newest.senderSystemId === caller.system.id
            ? newest.remetente
            : null;
      if (!remetente) {
        throw new EloError('not_authorised', `Sistema não autorizado a reproduzir o trâmite do NRE ${nre}: o sistema "${caller.system.id}" não detém o processo.`, { nre });
      }
      await start.requireSender(caller, remetente);
      const { receptora, receiverSystemId } = await start.resolveDestination(destinatario);
      const open = (await tramites.query({ nre, destinatario, limit: 10 })).find((t) => wf.open.includes(t.situacao));
      if (open) {
        throw new EloError('replay_impossible', `NRE, '${nre}', já possui trâmite em andamento para este destinatário (IDT ${open.idt}, situação ${open.situacao}).`, {
          nre,
          open: open.idt,
        });
      }
      const components = (await tramites.components(newest.idt)).filter((c) => c.pendingForReceiver || c.requested || c.received);
      if (components.length === 0) {
        throw new EloError(
          'replay_impossible',
          `Não é possível executar o serviço de reprodução de trâmite do processo ${newest.protocolo}, pois não há componentes digitais válidos a serem reproduzidos.`,
          { nre },
        );
      }
      await start.requireRoom(0, 'tramite');
      // The replay reuses the replayed trâmite's stored body: check it is still kept, and refer to
      // it, under the body's lock (the retention sweep removes bodies of old cancelled trâmites).
      const tramite = await locks.run(newest.metadataBlobKey, async () => {
        if ((await deps.store.retention.status(newest.idt))?.metadataPurgedAt) {
          throw new EloError(
            'replay_impossible',
            `Não é possível reproduzir o trâmite ${newest.idt} do NRE ${nre}: ele foi cancelado e seus metadados foram removidos pela política de retenção do hub. Envie o processo como um novo trâmite.`,
            { nre, idt: newest.idt },
          );
        }
        return start.createOrConflict(
          {
            kind: newest.kind,
            nre,
            protocolo: newest.protocolo,
            remetente,
            destinatario,
            receptora,
            senderSystemId: caller.system.id,
            receiverSystemId,
            isReplay: true,
            replayOf: newest.idt,
            envioParcial: false,
            urgente: newest.urgente,
            motivoUrgencia: newest.motivoUrgencia,
            metadataBlobKey: newest.metadataBlobKey,
            packageSpan: newest.packageSpan,
            propsSpan: newest.propsSpan,
            // the replayed body is the same blob, so it is read the same way
            ...(newest.metadataFormat ? { metadataFormat: newest.metadataFormat } : {}),
            ticket: null,
            components: components.map((c) => ({ hash: c.hash, size: c.size, protocolo: c.protocolo, occurrences: c.occurrences, requested: true, pendingForReceiver: true })),
          },
          deps.clock.now().toISOString(),
          caller.system.id,
          newest.protocolo,
        );
      });
      const byProtocolo = new Map<string, string[]>();
      for (const c of components) {
        const hashes = byProtocolo.get(c.protocolo);
        if (hashes) hashes.push(c.hash);
        else byProtocolo.set(c.protocolo, [c.hash]);
      }
      const all = components.map((c) => c.hash);
      return {
        tramite,
        solicitados: [
          { protocolo: newest.protocolo, hashes: all },
          ...[...byProtocolo].filter(([p]) => p !== newest.protocolo).map(([protocolo, hashes]) => ({ protocolo, hashes })),
        ],
      };
    },
  };
}
