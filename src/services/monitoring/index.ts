/**
 * Monitoring (monitoring issue, item 1; README "Monitorando"): what the monitor API and the
 * dashboard read. Every function takes the principal and answers within its reach: `admin` and
 * `monitor` see the federation, a `participante` token only trâmites where one of its
 * participant's systems is the sender or the recipient, and only its systems' refused requests.
 *
 * The interface the HTTP routes and the dashboard call:
 * - `search(filter, who)` → `{ tramites: TramiteItem[], proximo: string | null }`
 * - `detail(idt, who)` → the trâmite, its history, components, receipts, events and next action
 * - `stuck(who, now?)` → trâmites whose time in their situação is above its threshold, with who must act
 * - `figures({ de, ate, participante? }, who)` → per participant and per pair
 * - `refusals(query, who)` → refused requests (most never got an IDT), newest first
 * - `nreDocuments(nre, who)` → the documents registered for an NRE (spec §6), its trâmites and refusals
 * - `countsBySituacao(who)` → how many trâmites are in each situação now
 * - `throughput({ de, ate, bucket }, who)` → started, concluded, refused and cancelled per hour or day
 * - `recordRefusal(input)` → called by the HTTP error renderer only
 */
import type { AdminPrincipal } from '../../domain/admin-roles.ts';
import { clip } from '../../domain/bounded-text.ts';
import { EloError } from '../../domain/errors.ts';
import { participantTransfers } from '../../domain/participant.ts';
import { situacaoNome, WORKFLOW, type Situacao } from '../../domain/situacao.ts';
import type { ServiceDeps } from '../deps.ts';
import { aggregate } from './figures.ts';
import { badFilter, type Period, type TramiteFilter } from './filters.ts';
import { refusalService, type RefusalInput, type RefusalQuery } from './refusals.ts';
import { findParticipant, scopeOf, tramiteNotFound, type PartySets } from './scope.ts';
import { tramiteItem } from './views.ts';
import { nextAction, type CanAct } from './who-acts.ts';

export { parsePeriod, parseTramiteFilter, type Period, type TramiteFilter } from './filters.ts';
export { parseRefusalQuery, REFUSAL_RETENTION, type RefusalInput, type RefusalQuery } from './refusals.ts';
export type { TramiteItem } from './views.ts';
export type { NextAction, Quem } from './who-acts.ts';
export type { Figures } from './figures.ts';

/**
 * Minutes a trâmite may stay in a situação before it is listed as stuck (spec §9.4: SEI's own
 * monitoring calls a process "represado" after 60–90 minutes). Situações missing here are never
 * listed (the final ones). Overridden by `ELO_MONITOR_STUCK_MINUTES`.
 */
export const DEFAULT_STUCK_MINUTES: Readonly<Partial<Record<Situacao, number>>> = { 1: 120, 2: 60, 3: 90, 4: 90, 5: 90, 8: 90 };

/** The most stuck trâmites listed per situação, the oldest first. */
export const MAX_STUCK_PER_SITUACAO = 500;
/** The most trâmites a figures or throughput period is computed from; beyond it the answer says `truncado`. */
export const MAX_PERIOD_ROWS = 200_000;

export interface MonitoringSettings {
  stuckMinutes?: Partial<Record<Situacao, number>>;
}

export function monitoringService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log' | 'settings' | 'workflow'> & { monitoring?: MonitoringSettings }) {
  const { store } = deps;
  const wf = deps.workflow ?? WORKFLOW;
  const refusals = refusalService(deps);
  const stuckMinutes = deps.monitoring?.stuckMinutes ?? DEFAULT_STUCK_MINUTES;

  /** The principal's restrictions plus those of a `participante` filter. */
  async function restrict(who: AdminPrincipal, participante: string | undefined) {
    const scope = await scopeOf(store, who);
    const sets: PartySets = scope.sets();
    let only: string | null = scope.own;
    if (participante !== undefined) {
      const p = await findParticipant(store, participante);
      if (!p) throw badFilter('participante', `não é um participante registrado (recebido: "${clip(participante)}")`);
      // both hold: a participant's token naming another participant reads its trâmites with that one
      sets.push(scope.systemsOf(p.id));
      only ??= p.id;
    }
    return { scope, sets, only };
  }

  /** Whether a system can call the hub now: registered, active, its participant transferring. */
  async function canActOf(): Promise<CanAct> {
    const systems = new Map((await store.registry.listSystems()).map((s) => [s.id, s]));
    const participants = new Map((await store.registry.listParticipants()).map((p) => [p.id, p]));
    return (id) => {
      const s = systems.get(id);
      if (!s) return { ok: false, why: `o sistema "${id}" não está mais registrado` };
      if (!s.ativo) return { ok: false, why: `o sistema "${id}" está desativado` };
      const p = participants.get(s.participantId);
      if (p && !participantTransfers(p.status)) return { ok: false, why: `o participante ${p.sigla || p.nome} do sistema "${id}" está ${p.status}` };
      return { ok: true };
    };
  }

  return {
    /** The hub's clock: a period without `ate` ends now. */
    now: (): Date => deps.clock.now(),

    /** Trâmites by any combination of filters, newest IDT first; `proximo` is the cursor of the next page (null: last page). */
    async search(f: TramiteFilter, who: AdminPrincipal) {
      const { scope, sets } = await restrict(who, f.participante);
      const limite = f.limite ?? 50;
      const found = await store.monitoring.search({
        ...(f.idt !== undefined ? { idt: f.idt } : {}),
        ...(f.nre !== undefined ? { nre: f.nre } : {}),
        ...(f.protocolo !== undefined ? { protocolo: f.protocolo } : {}),
        ...(f.estrutura ? { unit: { numero: f.estrutura.numero, ...(f.estrutura.repositorio !== undefined ? { repositoryId: f.estrutura.repositorio } : {}) } } : {}),
        ...(f.situacao ? { situacoes: f.situacao } : {}),
        ...(f.de !== undefined ? { createdFrom: f.de } : {}),
        ...(f.ate !== undefined ? { createdBefore: f.ate } : {}),
        ...(f.cursor !== undefined ? { beforeIdt: Number(f.cursor) } : {}),
        partySystems: sets,
        limit: limite,
      });
      return { tramites: found.map((t) => tramiteItem(t, scope)), proximo: found.length === limite ? String(found[found.length - 1]!.idt) : null };
    },

    /**
     * One trâmite's whole story (spec §9.4 "per-IDT history"): record, transitions, components
     * (size, hash, received or not), both receipts, audit events and who must act next. A trâmite
     * out of the principal's reach is answered as not found.
     */
    async detail(idt: number, who: AdminPrincipal, now: Date = deps.clock.now()) {
      const scope = await scopeOf(store, who);
      const t = await store.tramites.get(idt);
      if (!t || !scope.sees(t)) throw tramiteNotFound(idt);
      const [history, components, events, send, completion, canAct] = await Promise.all([
        store.tramites.history(idt),
        store.tramites.components(idt),
        store.audit.list({ idt }),
        store.tramites.getSendReceipt(idt),
        store.tramites.getCompletionReceipt(idt),
        canActOf(),
      ]);
      return {
        tramite: tramiteItem(t, scope),
        record: t,
        history,
        components,
        events: events.reverse(),
        recibos: {
          envio: send ? { data: send.dataDeRecebimentoDoUltimoComponenteDigital, hashes: send.hashes, hashDaAssinatura: send.hashDaAssinatura } : null,
          conclusao: completion
            ? {
                dataDeRecebimento: completion.dataDeRecebimento,
                recebidoEm: completion.receivedAt,
                dataDaSituacao4: completion.situacao4Date ?? null,
                hashes: completion.hashes,
                hashDaAssinatura: completion.hashDaAssinatura,
              }
            : null,
        },
        proximaAcao: nextAction(t, { now, autoCancelAfterMs: deps.settings.autoCancelAfterMs, wf, canAct }),
      };
    },

    /**
     * Trâmites whose time in their current situação is above the threshold of that situação
     * (`ELO_MONITOR_STUCK_MINUTES`), the longest stuck first, each with who must act, the call
     * expected and the time left before automatic cancellation (spec §5.4, §9.4).
     */
    async stuck(who: AdminPrincipal, now: Date = deps.clock.now()) {
      const scope = await scopeOf(store, who);
      const canAct = await canActOf();
      const out = [];
      for (const [s, minutes] of Object.entries(stuckMinutes) as [string, number][]) {
        const situacao = Number(s) as Situacao;
        const before = new Date(now.getTime() - minutes * 60_000).toISOString();
        for (const t of await store.monitoring.idleIn(situacao, before, scope.sets(), MAX_STUCK_PER_SITUACAO)) {
          const action = nextAction(t, { now, autoCancelAfterMs: deps.settings.autoCancelAfterMs, wf, canAct });
          if (!action) continue;
          out.push({
            ...tramiteItem(t, scope),
            minutosNaSituacao: Math.floor((now.getTime() - new Date(t.lastTransitionAt).getTime()) / 60_000),
            limiteMinutos: minutes,
            ...action,
          });
        }
      }
      out.sort((a, b) => b.minutosNaSituacao - a.minutosNaSituacao || a.IDT - b.IDT);
      return { parados: out, limites: stuckMinutes, em: now.toISOString() };
    },

    /**
     * Figures over a period (trâmites started in [de, ate)) per participant and per pair of
     * participants, and the backlog now. `participante` narrows to one participant and its pairs;
     * a `participante` token always sees its own only.
     */
    async figures(q: Period & { participante?: string }, who: AdminPrincipal, now: Date = deps.clock.now()) {
      const { scope, sets, only } = await restrict(who, q.participante);
      const [period, backlog] = await Promise.all([
        store.monitoring.periodRows({ from: q.de, before: q.ate, concluded: wf.concluded, partySystems: sets, limit: MAX_PERIOD_ROWS }),
        store.monitoring.backlog(
          [...new Set([wf.initial, ...wf.transitions.flatMap((t) => [...t.from, t.to])])].filter((s) => !wf.final.includes(s)),
          sets,
        ),
      ]);
      const keyOf = (systemId: string) => scope.ownerOf(systemId) ?? `sistema:${systemId}`;
      return { periodo: { de: q.de, ate: q.ate }, truncado: period.truncated, ...aggregate({ rows: period.rows, backlog, keyOf, only, now, wf }) };
    },

    /** Refused requests of systems, newest first (README "Monitorando"). */
    refusals: (q: RefusalQuery, who: AdminPrincipal) => refusals.list(q, who),

    /** Records a refused transfer-face request; called by the HTTP error renderer only. */
    recordRefusal: (r: RefusalInput) => refusals.record(r),

    /** Whether a refusal of this code is recorded (load shedding is not). */
    recordsRefusal: (code: string) => refusals.records(code),

    /**
     * The documents registered for an NRE (spec §6: per ordem, espécie, component hashes and
     * sizes, retirado, the registering IDT), its trâmites and its recent refusals: where a `0047`
     * is explained. A participant's token sees an NRE only when one of its systems holds it or
     * is a party of one of its trâmites; otherwise, as an unknown NRE, not found.
     */
    async nreDocuments(nre: string, who: AdminPrincipal) {
      const scope = await scopeOf(store, who);
      const registration = await store.tramites.nreRegistration(nre);
      const notFound = () => new EloError('not_found', `NRE ${nre} não encontrado. Confira o NRE do processo.`, { nre });
      if (!registration) throw notFound();
      const [holders, tramites] = await Promise.all([store.tramites.nreHolders(nre), store.monitoring.search({ nre, partySystems: scope.sets(), limit: 100 })]);
      if (scope.own !== null && tramites.length === 0 && !holders.some((h) => scope.ownerOf(h.systemId) === scope.own)) throw notFound();
      const recusas = await refusals.list({ nre, limite: 50 }, who);
      return {
        NRE: nre,
        protocolo: registration.protocolo,
        documentos: registration.documents.map((d) => ({
          protocolo: d.protocolo,
          ordem: d.ordem,
          especie: d.especie,
          retirado: d.retirado,
          protocoloDoProcessoAnexado: d.anexado,
          componentes: d.components.map((c) => ({ ordem: c.ordem, hash: c.hash, tamanhoEmBytes: c.size })),
          registradoPeloIDT: d.registeredIdt,
        })),
        vinculos: holders.map((h) => ({ sistema: h.systemId, origem: h.source, em: h.at })),
        tramites: tramites.map((t) => tramiteItem(t, scope)),
        recusas: recusas.recusas,
      };
    },

    /** How many trâmites are in each situação now (every situação, zeros included). */
    async countsBySituacao(who: AdminPrincipal) {
      const scope = await scopeOf(store, who);
      const counts = new Map((await store.monitoring.countsBySituacao(scope.sets())).map((r) => [r.situacao, r.count]));
      return (Object.keys(situacaoNome).map(Number) as Situacao[]).map((s) => ({ situacao: s, situacaoNome: situacaoNome[s], total: counts.get(s) ?? 0 }));
    },

    /**
     * Transitions per hour or day of [de, ate): trâmites started (into the initial situação),
     * concluded (into 5), refused and cancelled (by anyone or for inactivity). At most 1,000 buckets.
     */
    async throughput(q: Period & { bucket: 'hora' | 'dia' }, who: AdminPrincipal) {
      const scope = await scopeOf(store, who);
      const size = q.bucket === 'hora' ? 3_600_000 : 86_400_000;
      const start = Math.floor(new Date(q.de).getTime() / size) * size;
      const end = new Date(q.ate).getTime();
      const n = Math.ceil((end - start) / size);
      if (n > 1000) throw badFilter('intervalo', `o período tem ${n} intervalos de 1 ${q.bucket}; o máximo é 1000 (use intervalo=dia ou um período menor)`);
      const buckets = Array.from({ length: n }, (_, i) => ({ inicio: new Date(start + i * size).toISOString(), iniciados: 0, concluidos: 0, recusados: 0, cancelados: 0 }));
      const { rows, truncated } = await store.monitoring.transitionsIn({ from: q.de, before: q.ate, partySystems: scope.sets(), limit: MAX_PERIOD_ROWS });
      const refused = wf.transitions.find((t) => t.on === 'recusa')?.to;
      const firstConcluded = wf.concluded[0];
      for (const r of rows) {
        const b = buckets[Math.floor((new Date(r.at).getTime() - start) / size)];
        if (!b) continue;
        if (r.situacao === wf.initial) b.iniciados++;
        else if (r.situacao === firstConcluded) b.concluidos++;
        else if (r.situacao === refused) b.recusados++;
        else if (wf.cancelled.includes(r.situacao)) b.cancelados++;
      }
      return { periodo: { de: q.de, ate: q.ate }, intervalo: q.bucket, truncado: truncated, series: buckets };
    },
  };
}

export type MonitoringService = ReturnType<typeof monitoringService>;
