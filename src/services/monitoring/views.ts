import { situacaoNome } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Scope } from './scope.ts';

/** A party of a trâmite as monitors read it: its unit, its system and the system's participant. */
export interface ParteView {
  repositorio: number;
  estrutura: string;
  sistema: string;
  participante: string | null;
}

/** One trâmite in a list (README "Monitorando"). */
export interface TramiteItem {
  IDT: number;
  NRE: string;
  protocolo: string;
  tipo: TramiteRecord['kind'];
  situacao: number;
  situacaoNome: string;
  remetente: ParteView;
  destinatario: ParteView;
  iniciadoEm: string;
  ultimaMudancaEm: string;
}

export function tramiteItem(t: TramiteRecord, scope: Pick<Scope, 'ownerOf'>): TramiteItem {
  return {
    IDT: t.idt,
    NRE: t.nre,
    protocolo: t.protocolo,
    tipo: t.kind,
    situacao: t.situacao,
    situacaoNome: situacaoNome[t.situacao],
    remetente: { repositorio: t.remetente.repositoryId, estrutura: t.remetente.numero, sistema: t.senderSystemId, participante: scope.ownerOf(t.senderSystemId) },
    destinatario: {
      repositorio: t.destinatario.repositoryId,
      estrutura: t.destinatario.numero,
      sistema: t.receiverSystemId,
      participante: scope.ownerOf(t.receiverSystemId),
    },
    iniciadoEm: t.createdAt,
    ultimaMudancaEm: t.lastTransitionAt,
  };
}
