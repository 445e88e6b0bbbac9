import type { Caller } from '../../domain/identity.ts';
import { isPendenciaFor, type Situacao } from '../../domain/situacao.ts';
import type { HistoryEntry, TramiteComponent, TramiteRecord } from '../../domain/tramite.ts';
import type { TramiteQuery } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { workflowDecisions } from './workflow.ts';

export interface TramiteView {
  tramite: TramiteRecord;
  history: HistoryEntry[];
  components: TramiteComponent[];
}

/** Pendências (spec §2.14, §5.3) and trâmite queries (spec §2.17). */
export function queryService(deps: ServiceDeps) {
  const { tramites } = deps.store;
  const { wf } = workflowDecisions(deps);
  return {
    async pendencias(caller: Caller): Promise<{ idt: number; situacao: Situacao }[]> {
      const id = caller.system.id;
      const { receiver, sender, senderReplay } = wf.pendencias;
      const asReceiver = await tramites.listForSystem(id, 'receiver', receiver);
      const asSender = (await tramites.listForSystem(id, 'sender', [...sender, ...senderReplay])).filter((t) =>
        isPendenciaFor('sender', t.situacao, t.isReplay, wf),
      );
      const seen = new Set<number>();
      return [...asReceiver, ...asSender]
        .filter((t) => (seen.has(t.idt) ? false : (seen.add(t.idt), true)))
        .sort((a, b) => a.idt - b.idt)
        .map((t) => ({ idt: t.idt, situacao: t.situacao }));
    },

    /**
     * `todas=0` (spec §2.14, inferred): only pendências not yet returned to this system; each
     * (IDT, situação) pair is returned once, and again only after the situação changes.
     */
    async undeliveredPendencias(caller: Caller): Promise<{ idt: number; situacao: Situacao }[]> {
      const delivered = await tramites.deliveredPendencias(caller.system.id);
      const fresh = (await this.pendencias(caller)).filter((p) => !delivered.has(`${p.idt}/${p.situacao}`));
      if (fresh.length) await tramites.markPendenciasDelivered(caller.system.id, fresh);
      return fresh;
    },

    /**
     * The long-poll's next pendência (spec §2.15). Pendências are state (§5.3): one is offered
     * again in a later loop while it stays unacted, but never the pair acknowledged by `n`
     * with its status unchanged, nor a pair already offered within the hold period (SEI aborts
     * its loop, "enviado em duplicidade", on a repeated pair).
     */
    async nextLongPollPendencia(caller: Caller, acknowledgedIdt: number): Promise<{ idt: number; situacao: Situacao } | null> {
      return (await this.longPollStep(caller, acknowledgedIdt)).next;
    },

    /**
     * `nextLongPollPendencia`, and when nothing is offered, the clock time (ms) at which a pair
     * held back only because it was offered within the hold period may be offered again: no
     * transition signals that moment, so a waiter sets a timer for it.
     */
    async longPollStep(
      caller: Caller,
      acknowledgedIdt: number,
    ): Promise<{ next: { idt: number; situacao: Situacao } | null; reofferAt: number | null }> {
      const now = deps.clock.now();
      const since = new Date(now.getTime() - deps.settings.longPollMs).toISOString();
      const { recent, lastStatus, recentAt } = await tramites.longPollDeliveries(caller.system.id, since);
      const pendencias = await this.pendencias(caller);
      const acknowledged = (p: { idt: number; situacao: Situacao }) => p.idt === acknowledgedIdt && lastStatus.get(p.idt) === p.situacao;
      const next = pendencias.find((p) => !recent.has(`${p.idt}/${p.situacao}`) && !acknowledged(p));
      if (next) {
        await tramites.recordLongPollDelivery(caller.system.id, next, now.toISOString());
        return { next, reofferAt: null };
      }
      // A pair stops being recent once its delivery is older than `since` (strictly).
      let reofferAt: number | null = null;
      for (const p of pendencias) {
        const at = recentAt?.get(`${p.idt}/${p.situacao}`);
        if (at === undefined || acknowledged(p)) continue;
        const when = new Date(at).getTime() + deps.settings.longPollMs + 1;
        if (reofferAt === null || when < reofferAt) reofferAt = when;
      }
      return { next: null, reofferAt };
    },

    /** Newest first; only trâmites where the caller is a party (spec §2.17). */
    async query(caller: Caller, q: Omit<TramiteQuery, 'partySystemId'>): Promise<TramiteView[]> {
      const list = await tramites.query({ ...q, partySystemId: caller.system.id });
      return Promise.all(
        list.map(async (tramite) => ({
          tramite,
          history: await tramites.history(tramite.idt),
          components: await tramites.components(tramite.idt),
        })),
      );
    },
  };
}
