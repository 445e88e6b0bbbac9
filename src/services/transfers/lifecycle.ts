import { clip } from '../../domain/bounded-text.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty, situacaoConflict } from './guards.ts';
import { naSituacao, workflowDecisions } from './workflow.ts';

/** Motivos de recusa (spec §8.3). */
export const MOTIVOS_RECUSA: Record<string, string> = {
  '01': 'Formato de componente digital não suportado',
  '02': 'Componente digital corrompido',
  '03': 'Falta de componentes digitais',
  '04': 'Espécie documental não mapeada no destinatário',
  '99': 'Outro',
};

/** SEI cuts at 1000 characters ending with " ..." (spec §2.22); longer texts are cut, not refused. */
export function cutJustificativa(text: string): string {
  const chars = [...text];
  return chars.length <= 1000 ? text : `${chars.slice(0, 996).join('')} ...`;
}

/** Refusal, ciência and cancellation (spec §2.22–§2.24). */
export function lifecycleService(deps: ServiceDeps) {
  const { tramites } = deps.store;
  const now = () => deps.clock.now().toISOString();
  const { rule } = workflowDecisions(deps);
  const orConflict = (r: Awaited<ReturnType<typeof tramites.transition>>, t: TramiteRecord, what: string) => {
    if (r.ok) return r;
    throw situacaoConflict(r.reason === 'conflict' ? r.current : t, what);
  };

  return {
    /** `POST tramites/{idt}/recusa`: 3 or 4 → 8; a repeat in 8 keeps the first motivo (spec §2.22). */
    async refuse(caller: Caller, idt: number, body: { motivo: string; justificativa: string }): Promise<{ changed: boolean }> {
      if (!MOTIVOS_RECUSA[body.motivo]) {
        throw validationFailed({
          path: 'motivo',
          message: `deve ser um dos códigos ${Object.keys(MOTIVOS_RECUSA).join(', ')} (recebido: "${clip(body.motivo)}")`,
        });
      }
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['receiver']);
      const move = rule('recusa');
      const what = `A recusa só é aceita ${naSituacao(move?.from ?? [])}.`;
      if (t.situacao === move?.to) return { changed: false };
      if (!move?.from.includes(t.situacao)) throw situacaoConflict(t, what);
      const at = now();
      const r = orConflict(
        await tramites.transition({
          idt,
          from: move.from,
          to: move.to,
          at,
          audit: { kind: 'tramite.recusado', actor: caller.system.id, data: { motivo: body.motivo } },
          refusal: { motivo: body.motivo, justificativa: cutJustificativa(body.justificativa), at },
        }),
        t,
        what,
      );
      return { changed: r.changed };
    },

    /** `GET tramites/{idt}/ciencia`: 8 → 9; a call in 9 changes nothing (spec §2.23). */
    async acknowledge(caller: Caller, idt: number): Promise<{ changed: boolean }> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender']);
      const move = rule('ciencia');
      if (t.situacao === move?.to) return { changed: false };
      if (!move?.from.includes(t.situacao)) throw situacaoConflict(t, `A ciência só é aceita ${naSituacao(move?.from ?? [])} (recusado).`);
      const r = orConflict(
        await tramites.transition({ idt, from: move.from, to: move.to, at: now(), audit: { kind: 'tramite.ciencia', actor: caller.system.id } }),
        t,
        `A ciência só é aceita ${naSituacao(move.from)}.`,
      );
      return { changed: r.changed };
    },

    /**
     * `DELETE tramites/{idt}`: 1–4 → 7; a call in 7 changes nothing (spec §2.24). An operator
     * (caller null) may give the reason, kept in the audit event.
     */
    async cancel(caller: Caller | null, idt: number, operator?: string, motivo?: string): Promise<{ changed: boolean }> {
      const t = await loadTramite(tramites, idt);
      if (caller) requireParty(caller, t, ['sender']);
      const move = rule('cancelamento');
      const what = `Só trâmites ${naSituacao(move?.from ?? [])} podem ser cancelados.`;
      if (t.situacao === move?.to) return { changed: false };
      if (!move?.from.includes(t.situacao)) throw situacaoConflict(t, what);
      const r = orConflict(
        await tramites.transition({
          idt,
          from: move.from,
          to: move.to,
          at: now(),
          audit: { kind: 'tramite.cancelado', actor: caller?.system.id ?? `operador:${operator ?? '?'}`, ...(motivo ? { data: { motivo } } : {}) },
        }),
        t,
        what,
      );
      return { changed: r.changed };
    },
  };
}
