import { clip } from '../../domain/bounded-text.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty, situacaoConflict } from './guards.ts';

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
  const orConflict = (r: Awaited<ReturnType<typeof tramites.transition>>, t: TramiteRecord, what: string) => {
    if (r.ok) return r;
    throw situacaoConflict(r.reason === 'conflict' ? r.current : t, what);
  };

  return {
    /** `POST tramites/{idt}/recusa`: 3 or 4 → 8; a repeat in 8 keeps the first motivo (spec §2.22). */
    async refuse(caller: Caller, idt: number, body: { motivo: string; justificativa: string }): Promise<{ changed: boolean }> {
      if (!MOTIVOS_RECUSA[body.motivo]) {
        throw new EloError(
          'validation_failed',
          `Os seguintes erros de validação de campos foram identificados: - motivo deve ser um dos códigos ${Object.keys(MOTIVOS_RECUSA).join(', ')} (recebido: "${clip(body.motivo)}")`,
        );
      }
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['receiver']);
      if (t.situacao === 8) return { changed: false };
      if (t.situacao !== 3 && t.situacao !== 4) throw situacaoConflict(t, 'A recusa só é aceita nas situações 3 e 4.');
      const at = now();
      const r = orConflict(
        await tramites.transition(
          idt,
          [3, 4],
          8,
          at,
          { kind: 'tramite.recusado', actor: caller.system.id, data: { motivo: body.motivo } },
          { refusal: { motivo: body.motivo, justificativa: cutJustificativa(body.justificativa), at } },
        ),
        t,
        'A recusa só é aceita nas situações 3 e 4.',
      );
      return { changed: r.changed };
    },

    /** `GET tramites/{idt}/ciencia`: 8 → 9; a call in 9 changes nothing (spec §2.23). */
    async acknowledge(caller: Caller, idt: number): Promise<{ changed: boolean }> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender']);
      if (t.situacao === 9) return { changed: false };
      if (t.situacao !== 8) throw situacaoConflict(t, 'A ciência só é aceita na situação 8 (recusado).');
      const r = orConflict(await tramites.transition(idt, [8], 9, now(), { kind: 'tramite.ciencia', actor: caller.system.id }), t, 'A ciência só é aceita na situação 8.');
      return { changed: r.changed };
    },

    /** `DELETE tramites/{idt}`: 1–4 → 7; a call in 7 changes nothing (spec §2.24). */
    async cancel(caller: Caller | null, idt: number, operator?: string): Promise<{ changed: boolean }> {
      const t = await loadTramite(tramites, idt);
      if (caller) requireParty(caller, t, ['sender']);
      if (t.situacao === 7) return { changed: false };
      if (t.situacao > 4) throw situacaoConflict(t, 'Só trâmites nas situações 1 a 4 podem ser cancelados.');
      const r = orConflict(
        await tramites.transition(idt, [1, 2, 3, 4], 7, now(), { kind: 'tramite.cancelado', actor: caller?.system.id ?? `operador:${operator ?? '?'}` }),
        t,
        'Só trâmites nas situações 1 a 4 podem ser cancelados.',
      );
      return { changed: r.changed };
    },
  };
}
