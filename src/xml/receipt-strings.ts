/**
 * The exact strings signed in receipts (spec §7.1, §7.3). No XML library is involved on purpose:
 * the string is fixed byte for byte — no declaration, no namespaces, no whitespace — and every
 * value is a digit string, a date or a base64 hash, so no escaping is ever needed.
 */

/** Ordinal (code-unit) order, not locale collation: '+' < '/' < digits < '=' < A-Z < a-z. */
export const sortOrdinal = (hashes: readonly string[]): string[] =>
  [...hashes].filter((h) => h !== '').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * `<recibo>` signed by the receiver (spec §7.1).
 * @example completionReceiptString({ idt: 1000000123, nre: '0000025656262025',
 *   dataDeRecebimento: '2026-03-10T17:40:12.000Z', hashes: [h2, h1] })
 */
export function completionReceiptString(r: {
  idt: number;
  nre: string;
  dataDeRecebimento: string;
  hashes: readonly string[];
}): string {
  const hashes = sortOrdinal(r.hashes)
    .map((h) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`)
    .join('');
  return `<recibo><IDT>${r.idt}</IDT><NRE>${r.nre}</NRE><dataDeRecebimento>${r.dataDeRecebimento}</dataDeRecebimento>${hashes}</recibo>`;
}

/** `<reciboDeEnvio>` signed by the hub (spec §7.3). */
export function sendReceiptString(r: {
  idt: number;
  nre: string;
  dataDeRecebimentoDoUltimoComponenteDigital: string;
  hashes: readonly string[];
}): string {
  const hashes = sortOrdinal(r.hashes)
    .map((h) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`)
    .join('');
  return `<reciboDeEnvio><IDT>${r.idt}</IDT><NRE>${r.nre}</NRE><dataDeRecebimentoDoUltimoComponenteDigital>${r.dataDeRecebimentoDoUltimoComponenteDigital}</dataDeRecebimentoDoUltimoComponenteDigital>${hashes}</reciboDeEnvio>`;
}

/** `YYYY-MM-DDTHH:MM:SS.000Z`: UTC, fraction truncated, milliseconds always .000 (spec §7.1). */
export function receiptDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}.000Z`;
}

/**
 * Whether a posted `dataDeRecebimento` is exactly `YYYY-MM-DDTHH:MM:SS.000Z` and a real instant
 * (spec §7.2 step 1). Checked before the `<recibo>` string is built: any other character —
 * markup above all — would be spliced into the string the signature is checked against.
 * @example isReceiptDate('2026-03-10T17:40:12.000Z') // true
 * @example isReceiptDate('2026-02-30T00:00:00.000Z') // false: no such day
 */
export function isReceiptDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/.test(s)) return false;
  const d = new Date(s);
  return !Number.isNaN(d.getTime()) && receiptDate(d) === s;
}
