import { describe, expect, it } from 'vitest';
import { isEloError } from '../domain/errors.ts';
import { MAX_HOLDINGS_ROWS, parseHoldings } from './nre-holdings.ts';

const issuesOf = (text: string, sistema?: string): string => {
  try {
    parseHoldings(text, sistema);
  } catch (e) {
    if (isEloError(e) && e.code === 'validation_failed') return e.mensagem;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('parseHoldings', () => {
  it('reads a CSV export with a BOM, a header, comments, either separator and quoted cells; a row’s own system wins', () => {
    const csv = '\uFEFFnre;protocolo\n# exportado do SEI\n0000000000000001;1.1/2025\n"0000000000000002","2.2/2025","sei-b"\r\n\n';
    expect(parseHoldings(csv, 'sei-a')).toEqual([
      { nre: '0000000000000001', protocolo: '1.1/2025', sistema: 'sei-a' },
      { nre: '0000000000000002', protocolo: '2.2/2025', sistema: 'sei-b' },
    ]);
  });

  it('reads a JSON export, as an object naming the system or as a bare array', () => {
    expect(parseHoldings(JSON.stringify({ sistema: 'sei-a', nres: [{ nre: '0000000000000001', protocolo: 'x' }] }))).toEqual([
      { nre: '0000000000000001', protocolo: 'x', sistema: 'sei-a' },
    ]);
    expect(parseHoldings(JSON.stringify([{ nre: '0000000000000001', protocolo: 'x' }]), 'sei-b')[0]!.sistema).toBe('sei-b');
  });

  it('refuses the whole file naming each bad line: NRE format, missing or long protocolo, no system, repeated NRE', () => {
    const m = issuesOf(`0000000000000001;a\n12;b\n0000000000000003;\n0000000000000004;${'p'.repeat(51)}\n0000000000000001;a`, 'sei-a');
    expect(m).toContain('linha 2: NRE deve ter 16 dígitos');
    expect(m).toContain('linha 3: protocolo é obrigatório');
    expect(m).toContain('linha 4: protocolo é obrigatório, com até 50 caracteres');
    expect(m).toContain('linha 5: NRE 0000000000000001 repetido (já em linha 1)');
    expect(issuesOf('0000000000000001;a')).toContain('informe o sistema');
    expect(issuesOf('{"nres": 3}', 'x')).toContain('nres deve ser uma lista');
    expect(issuesOf('{nope', 'x')).toContain('não é um JSON válido');
    expect(issuesOf('nre;protocolo\n', 'x')).toContain('não tem nenhum NRE');
  });

  it(`refuses more than ${MAX_HOLDINGS_ROWS} rows in one file`, () => {
    const rows = Array.from({ length: MAX_HOLDINGS_ROWS + 1 }, (_, i) => `${String(i).padStart(16, '0')};p`).join('\n');
    expect(issuesOf(rows, 'x')).toContain(`importe no máximo ${MAX_HOLDINGS_ROWS} por vez`);
  });
});
