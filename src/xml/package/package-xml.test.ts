import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EloError } from '../../domain/errors.ts';
import { componentRows, fixtureBytes, manyDocuments, specialModel, storedFixture } from '../../../test/harness/package-xml.ts';
import { buildPackageXml, pacoteFromStoredTramite, PACOTE_NS, readPackageXml, type Pacote } from '../package-xml.ts';

const FIXTURES = ['sei-processo-dois-documentos.json', 'sei-processo-com-apensado.json', 'avulso-dois-destinatarios.json'];
const GOLDEN = new URL('../../../fixtures/packages/sei-processo-dois-documentos.pacote.xml', import.meta.url);

const built = (name: string) => buildPackageXml(pacoteFromStoredTramite(storedFixture(name)));

function readOk(xml: string): Pacote {
  const r = readPackageXml(xml);
  if (!r.ok) throw r.error;
  return r.value;
}

function refusal(xml: string): EloError {
  const r = readPackageXml(xml);
  if (r.ok) throw new Error('the package was accepted');
  return r.error;
}

/** The golden package with one edit. */
const golden = () => readFileSync(GOLDEN, 'utf8');
const edited = (from: string, to: string) => {
  const g = golden();
  expect(g).toContain(from);
  return g.replace(from, to);
};

describe('package XML from a stored trâmite', () => {
  it.each(FIXTURES)('builds %s, reads it back to the same model and rebuilds the same bytes', (name) => {
    const pacote = pacoteFromStoredTramite(storedFixture(name));
    const xml = buildPackageXml(pacote);
    expect(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<pacote xmlns="${PACOTE_NS}">`)).toBe(true);
    const back = readOk(xml);
    expect(back).toEqual(pacote);
    expect(buildPackageXml(back)).toBe(xml);
  });

  it('matches the golden file byte for byte (determinism guard)', () => {
    expect(built('sei-processo-dois-documentos.json')).toBe(golden());
  });

  it('carries what SEI reads of the process: sigilo, hipótese, produtor, interessados, history, classification', () => {
    const p = pacoteFromStoredTramite(storedFixture('sei-processo-dois-documentos.json'));
    if (!('processo' in p)) throw new Error('processo expected');
    expect(p.processo).toMatchObject({
      protocolo: '99990.000001/2026-01',
      nivelDeSigilo: '2',
      hipoteseLegal: 1,
      produtor: { nome: 'Maria Aparecida da Silva', numeroDeIdentificacao: '12345678909', tipo: 'fisica' },
      interessados: [{ nome: 'Secretaria Municipal de Obras' }],
    });
    expect(p.processo.itensHistorico).toHaveLength(2);
    const [d1, d2] = p.processo.documentos;
    expect(d1?.componentesDigitais[0]?.assinaturasDigitais?.[0]).toMatchObject({
      hash: { algoritmo: 'SHA256withRSA', conteudo: 'vazio' },
      cadeiaDoCertificado: { formato: 'PKCS7', conteudo: 'vazio' },
    });
    expect(d2).toMatchObject({ ordem: 2, especie: { codigo: 88, nomeNoProdutor: 'Ofício' }, identificacao: { numero: '345', ano: '2026' } });
    // SEI's integer prazo travels as its text (spec §2.8).
    expect(p.cabecalho.propriedadesAdicionais).toContainEqual({ chave: 'CLASSIFICACAO_PrazoCorrente_1', valor: '5' });
  });

  it('states the SHA-256 of the exact JSON bytes received, in base64', () => {
    const s = storedFixture('sei-processo-dois-documentos.json');
    const p = pacoteFromStoredTramite(s);
    expect(p.cabecalho.hashDosMetadados).toEqual({ algoritmo: 'SHA256', conteudo: createHashB64(s.body) });
    // One more space in the body is another package.
    const spaced = new Uint8Array([...s.body, 0x20]);
    expect(pacoteFromStoredTramite({ ...s, body: spaced }).cabecalho.hashDosMetadados).not.toEqual(p.cabecalho.hashDosMetadados);
  });

  it('takes the cabeçalho from the trâmite record: NRE, IDT, units with names, urgency, completion time', () => {
    const s = storedFixture('avulso-dois-destinatarios.json', {
      idt: 1000000777,
      nre: '9000000000000042',
      remetente: { repositoryId: 5, numero: '159098' },
      destinatario: { repositoryId: 1, numero: '180001' },
      urgente: true,
      motivoUrgencia: 2,
      componentsCompleteAt: '2026-03-06T11:30:00.000Z',
    });
    const p = pacoteFromStoredTramite({ ...s, names: { destinatario: 'Secretaria de Obras' } });
    expect(p.cabecalho).toMatchObject({
      NRE: '9000000000000042',
      IDT: 1000000777,
      tipo: 'documento',
      remetente: { identificacaoDoRepositorioDeEstruturas: 5, numeroDeIdentificacaoDaEstrutura: '159098' },
      destinatario: { identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: '180001', nome: 'Secretaria de Obras' },
      urgencia: true,
      motivoDaUrgencia: 2,
      dataDeRecebimentoDoUltimoComponenteDigital: '2026-03-06T11:30:00.000Z',
    });
    expect(p.cabecalho.remetente).not.toHaveProperty('nome');
  });

  it('writes documents in ordem even when the sender listed them otherwise', () => {
    const json = JSON.parse(new TextDecoder().decode(fixtureBytes('sei-processo-dois-documentos.json')));
    json.processo.documentos.reverse();
    const s = storedFixture('sei-processo-dois-documentos.json');
    const p = pacoteFromStoredTramite({ ...s, body: new TextEncoder().encode(JSON.stringify(json)) });
    if (!('processo' in p)) throw new Error('processo expected');
    expect(p.processo.documentos.map((d) => d.ordem)).toEqual([1, 2]);
  });

  it('refuses a trâmite whose components are not complete yet (9066)', () => {
    const s = storedFixture('sei-processo-dois-documentos.json', { componentsCompleteAt: null });
    expect(() => pacoteFromStoredTramite(s)).toThrow(expect.objectContaining({ codigoErro: '9066', code: 'stored_package_unreadable' }));
  });

  it('refuses a stored body that declares a component the trâmite does not hold (9066)', () => {
    const s = storedFixture('sei-processo-dois-documentos.json');
    const e = catchError(() => pacoteFromStoredTramite({ ...s, components: componentRows(['lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=']) }));
    expect(e.codigoErro).toBe('9066');
    expect(e.mensagem).toContain('0liVcOH7QPAwyRaSDl6R/XM9sFijKRTG2qy6xLxVUQQ=');
  });

  it('refuses stored bytes that are not JSON in UTF-8 (9066)', () => {
    const s = storedFixture('sei-processo-dois-documentos.json');
    expect(catchError(() => pacoteFromStoredTramite({ ...s, body: new Uint8Array([0x7b, 0xff]) })).codigoErro).toBe('9066');
  });

  it('keeps a package readable whatever espécie the code lists hold today', () => {
    const json = JSON.parse(new TextDecoder().decode(fixtureBytes('sei-processo-dois-documentos.json')));
    json.processo.documentos[0].especie.codigo = 987654;
    const s = storedFixture('sei-processo-dois-documentos.json');
    const p = pacoteFromStoredTramite({ ...s, body: new TextEncoder().encode(JSON.stringify(json)) });
    if (!('processo' in p)) throw new Error('processo expected');
    expect(p.processo.documentos[0]?.especie.codigo).toBe(987654);
  });
});

describe('package XML text', () => {
  const weird = ' Ação & <b>"aspas"</b> \'x\' > ]]> \r\n\tü 😀 ';

  it('escapes & < > " and CR one way, and reads back every character', () => {
    const xml = buildPackageXml(specialModel(weird));
    expect(xml).toContain('Ação &amp; &lt;b&gt;&quot;aspas&quot;&lt;/b&gt; \'x\' &gt; ]]&gt; &#13;\n\tü 😀 ');
    expect(readOk(xml)).toEqual(specialModel(weird));
  });

  it('replaces characters XML cannot carry with U+FFFD when mapping a stored body', () => {
    const json = JSON.parse(new TextDecoder().decode(fixtureBytes('sei-processo-dois-documentos.json')));
    json.processo.descricao = 'antes\u0001depois\u001f\ud800';
    const s = storedFixture('sei-processo-dois-documentos.json');
    const p = pacoteFromStoredTramite({ ...s, body: new TextEncoder().encode(JSON.stringify(json).replace('\\ud800', '\\ud800')) });
    if (!('processo' in p)) throw new Error('processo expected');
    expect(p.processo.descricao).toBe('antes\uFFFDdepois\uFFFD\uFFFD');
    expect(readOk(buildPackageXml(p))).toEqual(p);
  });

  it('refuses to write a model with a character XML cannot carry (9065)', () => {
    expect(catchError(() => buildPackageXml(specialModel('a\u0000b'))).codigoErro).toBe('9065');
  });

  it('refuses to write a model with a missing required field or a fractional number (9065)', () => {
    const m = specialModel('x') as any;
    expect(catchError(() => buildPackageXml({ ...m, cabecalho: { ...m.cabecalho, NRE: undefined } })).mensagem).toContain('/pacote/cabecalho/NRE');
    expect(catchError(() => buildPackageXml({ ...m, cabecalho: { ...m.cabecalho, IDT: 1.5 } })).codigoErro).toBe('9065');
  });

  it('gives the same bytes whatever the order of the model’s keys', () => {
    const m = specialModel('x');
    const shuffled = JSON.parse(JSON.stringify(m), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    expect(buildPackageXml(shuffled)).toBe(buildPackageXml(m));
  });
});

describe('readPackageXml refusals', () => {
  it('accepts an enveloped ds:Signature as the last child and reads the same model', () => {
    const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';
    expect(readOk(edited('</pacote>', `${sig}</pacote>`))).toEqual(readOk(golden()));
  });

  it('reads text around a comment as a canonicaliser without comments does', () => {
    const p = readOk(edited('<nomeNoProdutor>Despacho', '<nomeNoProdutor>Desp<!-- nota -->acho'));
    expect(p).toEqual(readOk(golden()));
  });

  it('accepts indentation between elements (a pretty-printed package) and keeps spaces inside text', () => {
    const pretty = golden().replace(/></g, '>\n  <');
    expect(readOk(pretty)).toEqual(readOk(golden()));
  });

  it.each([
    ['mismatched tags', ['<NRE>0000025656262025</NRE>', '<NRE>0000025656262025</NR>'], 'linha'],
    ['a DOCTYPE', ['<pacote ', '<!DOCTYPE pacote [<!ENTITY e "x">]><pacote '], 'DOCTYPE'],
    ['an undeclared entity', ['<nomeNoProdutor>Despacho', '<nomeNoProdutor>&e;Despacho'], '&e;'],
    ['a reference to a character XML cannot carry', ['<nomeNoProdutor>Despacho', '<nomeNoProdutor>&#1;Despacho'], '&#1;'],
    ['a second root', ['</pacote>', '</pacote><pacote/>'], 'único elemento raiz'],
    ['a CDATA section', ['<nomeNoProdutor>Despacho', '<nomeNoProdutor><![CDATA[&amp;]]>Despacho'], 'CDATA'],
    ['an element named constructor', ['<IDT>', '<constructor>1</constructor><IDT>'], 'constructor'],
    ['an element named __proto__', ['<NRE>0000025656262025</NRE>', '<__proto__><NRE>0000025656262025</NRE></__proto__>'], '__proto__'],
    ['a control character', ['<nomeNoProdutor>Despacho', '<nomeNoProdutor>\u0002Despacho'], 'U+0002'],
  ])('refuses %s as malformed (9063)', (_case, [from, to], said) => {
    const e = refusal(edited(from!, to!));
    expect(e.codigoErro).toBe('9063');
    expect(e.code).toBe('package_xml_malformed');
    expect(e.mensagem).toContain(said);
  });

  it.each([
    ['a missing NRE', ['<NRE>0000025656262025</NRE>', ''], '/pacote/cabecalho/NRE é obrigatório'],
    ['an NRE of 15 digits', ['<NRE>0000025656262025</NRE>', '<NRE>000002565626202</NRE>'], '16 dígitos'],
    ['a hash of the wrong length', ['lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM'], 'componenteDigital[1]/hash/conteudo'],
    ['a hash that is not the base64 of 32 bytes', ['lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNN='], 'hash/conteudo deve ser'],
    ['a repeated element', ['<IDT>1000000123</IDT>', '<IDT>1000000123</IDT><IDT>1000000124</IDT>'], 'aparece mais de uma vez'],
    ['an unknown element', ['<IDT>1000000123</IDT>', '<IDT>1000000123</IDT><extra>1</extra>'], '/pacote/cabecalho/extra não é um elemento'],
    ['documents out of order', ['<ordem>2</ordem><descricao>345/2026', '<ordem>3</ordem><descricao>345/2026'], 'documento[2]/ordem deve ser 2'],
    ['another namespace', [`xmlns="${PACOTE_NS}"`, 'xmlns="urn:outro"'], PACOTE_NS],
    ['an attribute', ['<IDT>', '<IDT tipo="x">'], '/pacote/cabecalho/IDT'],
    ['a leading zero in a number', ['<IDT>1000000123</IDT>', '<IDT>01000000123</IDT>'], 'zeros à esquerda'],
    ['a documento in a processo package', ['</processo>', '</processo><documento/>'], '/pacote/documento não cabe'],
    ['two signatures', ['</pacote>', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></pacote>'], 'Signature'],
    ['text beside elements', ['<cabecalho>', '<cabecalho>solto'], 'texto fora dos elementos'],
  ])('refuses %s as invalid (9064), saying where', (_case, [from, to], said) => {
    const e = refusal(edited(from!, to!));
    expect(e.codigoErro).toBe('9064');
    expect(e.code).toBe('package_xml_invalid');
    expect(e.mensagem).toContain(said);
    expect(e.mensagem).toContain('pacote.xsd');
  });
});

describe('package XML at scale', () => {
  it('builds and reads back a package of 5,000 documents', () => {
    const m = manyDocuments(5000);
    const xml = buildPackageXml(m);
    const back = readOk(xml);
    if (!('processo' in back)) throw new Error('processo expected');
    expect(back.processo.documentos).toHaveLength(5000);
    expect(buildPackageXml(back)).toBe(xml);
  });
});

function catchError(f: () => unknown): EloError {
  try {
    f();
  } catch (e) {
    if (e instanceof EloError) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}

function createHashB64(bytes: Uint8Array): string {
  // node:crypto stays in the test: the code under test hashes with pki/sha256.ts.
  return createHash('sha256').update(bytes).digest('base64');
}
