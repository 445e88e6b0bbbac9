import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  listComponents,
  listDocumentComponents,
  parseIniciarTramiteDocumento,
  parseIniciarTramiteProcesso,
  type CodeLists,
} from './index.ts';

const lists: CodeLists = {
  especies: new Set([42, 86, 88, 89, 179]),
  hipotesesLegais: new Set([1]),
  motivosUrgencia: 3,
};

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/packages/${name}`, import.meta.url), 'utf8'));

function processoOf(name: string) {
  const r = parseIniciarTramiteProcesso(fixture(name), lists);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.processo;
}

describe('listComponents', () => {
  it('lists the main process components first, then the apensados with their protocolo', () => {
    const refs = listComponents(processoOf('sei-processo-com-apensado.json'));
    expect(refs.map((r) => [r.protocolo, r.documentoOrdem, r.componenteOrdem])).toEqual([
      ['99990.000002/2026-55', 1, 1],
      ['99990.000002/2026-55', 2, 1],
      ['99990.000003/2026-08', 1, 1],
      ['99990.000003/2026-08', 2, 1],
    ]);
  });

  it('carries hash, size, espécie, retirado and the labelled path of each component', () => {
    const refs = listComponents(processoOf('sei-processo-com-apensado.json'));
    expect(refs[1]).toEqual({
      protocolo: '99990.000002/2026-55',
      documentoOrdem: 2,
      componenteOrdem: 1,
      retirado: true,
      hash: 'D152rc5pJT2JOJqB5Qv9GvmEuZ15uyQz6sv1DpKiLBY=',
      tamanhoEmBytes: 0,
      especieCodigo: 86,
      path: 'processo.documentos[1] (ordem 2).componentesDigitais[0]',
    });
    expect(refs[3]?.path).toBe(
      'processo.processoApensado[0].documentos[1] (ordem 2).componentesDigitais[0]',
    );
    expect(refs[3]?.especieCodigo).toBe(179);
  });

  it('follows the wire order of documents, not their ordem', () => {
    const body = fixture('sei-processo-dois-documentos.json') as {
      processo: { documentos: unknown[] };
    };
    body.processo.documentos.reverse();
    const r = parseIniciarTramiteProcesso(body, lists);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(listComponents(r.value.processo).map((c) => c.documentoOrdem)).toEqual([2, 1]);
  });

  it('walks apensados of apensados depth first', () => {
    const p = processoOf('sei-processo-com-apensado.json');
    const apensado = p.processoApensado[0]!;
    const nested = { ...apensado, protocolo: 'B', processoApensado: [] };
    const tree = {
      ...p,
      processoApensado: [
        { ...apensado, protocolo: 'A', processoApensado: [nested] },
        { ...apensado, protocolo: 'C' },
      ],
    };
    const order = [...new Set(listComponents(tree).map((c) => c.protocolo))];
    expect(order).toEqual(['99990.000002/2026-55', 'A', 'B', 'C']);
  });
});

describe('listDocumentComponents', () => {
  it('lists the components of a documento avulso under the given protocolo', () => {
    const r = parseIniciarTramiteDocumento(fixture('avulso-dois-destinatarios.json'), lists);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(listDocumentComponents(r.value.documento, '00123.004567/2026-11')).toEqual([
      {
        protocolo: '00123.004567/2026-11',
        documentoOrdem: 1,
        componenteOrdem: 1,
        retirado: false,
        hash: '0liVcOH7QPAwyRaSDl6R/XM9sFijKRTG2qy6xLxVUQQ=',
        tamanhoEmBytes: 24,
        especieCodigo: 89,
        path: 'documento.componentesDigitais[0]',
      },
    ]);
  });
});
