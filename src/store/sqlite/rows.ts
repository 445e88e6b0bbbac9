/**
 * The SQLite encoding of Elo's rows (src/store/rows.ts): booleans are 0/1 in STRICT INTEGER
 * columns, and a set of situações is bound as one JSON parameter.
 */
import type { Situacao } from '../../domain/situacao.ts';
import * as rows from '../rows.ts';

export { situacaoOf, toAuditEvent, toCompletionReceipt, toNreHolder, toSendReceipt } from '../rows.ts';
export type { AuditRow, CompletionReceiptRow, NreHolderRow, SendReceiptRow } from '../rows.ts';
export type TramiteRow = rows.TramiteRow<number>;
export type ComponentRow = rows.ComponentRow<number>;
export type NreDocumentRow = rows.NreDocumentRow<number>;

/** SQLite has no boolean: 0/1 in STRICT INTEGER columns. */
export const bool = (v: number): boolean => v === 1;
export const int = (v: boolean): number => (v ? 1 : 0);

export const { toTramite, toComponent, toRegisteredDocument } = rows.booleanRowMappers(bool);

/** A list of situações as one bound parameter (`IN (SELECT value FROM json_each(?))`): one statement for any set. */
export const situacaoSet = (s: readonly Situacao[]): string => JSON.stringify(s);
