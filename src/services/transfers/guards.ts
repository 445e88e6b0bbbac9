import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import { situacaoNome, type Situacao } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { TramiteReader } from '../../store/index.ts';

/**
 * The one answer for an IDT the caller may not see, whether it exists or not (spec §8.5, 9003).
 * IDTs are sequential: a distinct "not yours" would let any registered system map the trâmites
 * of the federation (docs/ameacas.md departs from the 9002 of §2.16/§8.5 for this reason).
 */
export const tramiteNotFound = (idt: number) => new EloError('not_found', `Trâmite ${idt} não encontrado. Confira o IDT informado.`, { idt });

/** Loads a trâmite or answers 404 (spec §8.5, 9003). */
export async function loadTramite(tramites: TramiteReader, idt: number): Promise<TramiteRecord> {
  const t = Number.isSafeInteger(idt) && idt > 0 ? await tramites.get(idt) : null;
  if (!t) throw tramiteNotFound(idt);
  return t;
}

export type Side = 'sender' | 'receiver';

/**
 * Deny by default: only the trâmite's sender or receiver system may act (spec §1.4). A system
 * that is neither gets the same 404 as for a missing IDT (nothing tells the two apart); a party
 * on the wrong side already knows the trâmite and gets 9002.
 */
export function requireParty(caller: Caller, t: TramiteRecord, sides: readonly Side[]): Side {
  const id = caller.system.id;
  if (t.senderSystemId !== id && t.receiverSystemId !== id) throw tramiteNotFound(t.idt);
  if (sides.includes('receiver') && t.receiverSystemId === id) return 'receiver';
  if (sides.includes('sender') && t.senderSystemId === id) return 'sender';
  const role = sides.length === 1 ? (sides[0] === 'sender' ? 'remetente' : 'destinatário') : 'remetente ou destinatário';
  throw new EloError(
    'not_authorised',
    `Sistema não autorizado a operar o trâmite ${t.idt}: o sistema "${id}" não é o ${role} deste trâmite.`,
    { idt: t.idt, systemId: id },
  );
}

/** 409 naming the situação (spec §8.5, 9004). */
export function situacaoConflict(t: Pick<TramiteRecord, 'idt' | 'situacao'>, what: string): EloError {
  return new EloError(
    'situacao_conflict',
    `Operação não permitida: trâmite ${t.idt} está na situação ${t.situacao} (${situacaoNome[t.situacao]}). ${what}`,
    { idt: t.idt, situacao: t.situacao },
  );
}

export function requireSituacao(t: TramiteRecord, allowed: readonly Situacao[], what: string): void {
  if (!allowed.includes(t.situacao)) throw situacaoConflict(t, what);
}
