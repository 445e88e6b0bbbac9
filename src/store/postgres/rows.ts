/**
 * The PostgreSQL encoding of Elo's rows (src/store/rows.ts): booleans are BOOLEAN and BIGINTs
 * arrive as numbers (db.ts), and a set of situações is bound as one int[] parameter.
 */
import type { Situacao } from '../../domain/situacao.ts';
import * as rows from '../rows.ts';

export { situacaoOf, toAuditEvent, toCompletionReceipt, toNreHolder, toSendReceipt } from '../rows.ts';
export type { AuditRow, CompletionReceiptRow, NreHolderRow, SendReceiptRow } from '../rows.ts';
export type TramiteRow = rows.TramiteRow<boolean>;
export type ComponentRow = rows.ComponentRow<boolean>;
export type NreDocumentRow = rows.NreDocumentRow<boolean>;

export const { toTramite, toComponent, toRegisteredDocument } = rows.booleanRowMappers((v: boolean) => v);

/** A set of situações as one bound array parameter (`situacao = ANY($n::int[])`): one statement for any set. */
export const situacaoSet = (s: readonly Situacao[]): number[] => [...s];
