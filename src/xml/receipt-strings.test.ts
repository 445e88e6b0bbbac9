import { describe, expect, it } from 'vitest';
import { completionReceiptString, isReceiptDate, receiptDate, sendReceiptString, sortOrdinal } from './receipt-strings.ts';

describe('receipt strings', () => {
  it('builds the spec §7.1 example byte for byte', () => {
    const s = completionReceiptString({
      idt: 1000000123,
      nre: '0000025656262025',
      dataDeRecebimento: '2026-03-10T17:40:12.000Z',
      hashes: ['n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
    });
    expect(s).toBe(
      '<recibo><IDT>1000000123</IDT><NRE>0000025656262025</NRE><dataDeRecebimento>2026-03-10T17:40:12.000Z</dataDeRecebimento><hashDoComponenteDigital>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</hashDoComponenteDigital><hashDoComponenteDigital>n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=</hashDoComponenteDigital></recibo>',
    );
  });

  it('sorts hashes by ordinal byte order, not locale collation, keeping duplicates', () => {
    expect(sortOrdinal(['b', 'B', '=', '9', '/', '+', 'b', ''])).toEqual(['+', '/', '9', '=', 'B', 'b', 'b']);
  });

  it('writes receipt dates in UTC with the fraction truncated to .000', () => {
    expect(receiptDate(new Date('2026-03-10T14:40:12.987-03:00'))).toBe('2026-03-10T17:40:12.000Z');
  });

  it('accepts only YYYY-MM-DDTHH:MM:SS.000Z dates that name a real instant (spec §7.2 step 1)', () => {
    expect(isReceiptDate('2026-03-10T17:40:12.000Z')).toBe(true);
    for (const bad of [
      '2026-03-10T17:40:12Z',
      '2026-03-10T17:40:12.987Z',
      '2026-03-10T14:40:12.000-03:00',
      '2026-03-10 17:40:12.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-03-10T24:00:00.000Z',
      '2026-03-10T17:40:12.000Z\n',
      '2026-03-10T17:40:12.000Z</dataDeRecebimento><hashDoComponenteDigital>FORGED=</hashDoComponenteDigital>',
      '',
    ])
      expect(isReceiptDate(bad), bad).toBe(false);
  });

  it('builds the send receipt with the element order SEI uses', () => {
    expect(
      sendReceiptString({ idt: 7, nre: '9000000000000001', dataDeRecebimentoDoUltimoComponenteDigital: 'D', hashes: ['x'] }),
    ).toBe(
      '<reciboDeEnvio><IDT>7</IDT><NRE>9000000000000001</NRE><dataDeRecebimentoDoUltimoComponenteDigital>D</dataDeRecebimentoDoUltimoComponenteDigital><hashDoComponenteDigital>x</hashDoComponenteDigital></reciboDeEnvio>',
    );
  });
});
