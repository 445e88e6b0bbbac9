import { createPublicKey, sign, verify } from 'node:crypto';

/**
 * Receipts written from spec §7 alone, independently of `src/xml/receipt-strings.ts`, so that the
 * suite checks the hub against the text of the spec and not against its own helpers.
 */

/** Ordinal (byte) order, not locale collation: `+` < `/` < digits < `=` < A–Z < a–z (spec §7.1). */
export function ordinalSort(hashes: readonly string[]): string[] {
  return [...hashes].sort((a, b) => Buffer.compare(Buffer.from(a, 'ascii'), Buffer.from(b, 'ascii')));
}

/**
 * `{D}` of spec §7.1: the situação-4 time in UTC as `YYYY-MM-DDTHH:MM:SS.000Z`, fraction
 * truncated; a value without offset is America/Sao_Paulo time (UTC−03:00, no DST since 2019).
 */
export function receiptDateOf(dataHora: string): string {
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(dataHora);
  const d = new Date(hasZone ? dataHora : `${dataHora}-03:00`);
  if (Number.isNaN(d.getTime())) throw new Error(`not an ISO-8601 date-time: ${dataHora}`);
  return `${d.toISOString().slice(0, 19)}.000Z`;
}

/** The exact completion-receipt string (spec §7.1): empty values skipped, duplicates kept. */
export function completionString(r: { idt: number; nre: string; dataDeRecebimento: string; hashes: readonly string[] }): string {
  return (
    `<recibo><IDT>${r.idt}</IDT><NRE>${r.nre}</NRE><dataDeRecebimento>${r.dataDeRecebimento}</dataDeRecebimento>` +
    ordinalSort(r.hashes.filter((h) => h !== ''))
      .map((h) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`)
      .join('') +
    '</recibo>'
  );
}

/** The send-receipt string the hub signs (spec §7.3). */
export function sendReceiptString(r: { IDT: number; NRE: string; dataDeRecebimentoDoUltimoComponenteDigital: string; hashesDosComponentesDigitais: string[] }): string {
  return (
    `<reciboDeEnvio><IDT>${r.IDT}</IDT><NRE>${r.NRE}</NRE><dataDeRecebimentoDoUltimoComponenteDigital>${r.dataDeRecebimentoDoUltimoComponenteDigital}</dataDeRecebimentoDoUltimoComponenteDigital>` +
    ordinalSort(r.hashesDosComponentesDigitais)
      .map((h) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`)
      .join('') +
    '</reciboDeEnvio>'
  );
}

/** RSA PKCS#1 v1.5 with SHA-256, standard base64 with padding (spec §7.1 "Signature"). */
export function signRsaSha256(keyPem: string, data: string): string {
  return sign('sha256', Buffer.from(data, 'utf8'), keyPem).toString('base64');
}

/** The first certificate of a PEM chain (leaf first, spec §7.3). */
export function leafOf(chainPem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem);
  if (!m) throw new Error('no PEM certificate in the chain');
  return m[0];
}

/** Offline verification of a relayed receipt, as a third party would do it (spec §2.21, §7.2). */
export function verifiesWith(chainPem: string, data: string, signatureB64: string): boolean {
  return verify('sha256', Buffer.from(data, 'utf8'), createPublicKey(leafOf(chainPem)), Buffer.from(signatureB64, 'base64'));
}
