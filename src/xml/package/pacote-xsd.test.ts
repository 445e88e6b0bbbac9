import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manyDocuments, specialModel, storedFixture, xmllintSchema } from '../../../test/harness/package-xml.ts';
import { buildPackageXml, pacoteFromStoredTramite } from '../package-xml.ts';

/**
 * federation/schemas/pacote.xsd describes exactly what the builder writes: every built package
 * validates with Debian's xmllint (no network), and a broken one does not.
 */
const FIXTURES = ['sei-processo-dois-documentos.json', 'sei-processo-com-apensado.json', 'avulso-dois-destinatarios.json'];
const golden = () =>
  readFileSync(new URL('../../../fixtures/packages/sei-processo-dois-documentos.pacote.xml', import.meta.url), 'utf8');

describe('pacote.xsd', () => {
  it.each(FIXTURES)('validates the package built from %s', (name) => {
    const r = xmllintSchema(buildPackageXml(pacoteFromStoredTramite(storedFixture(name))));
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it('validates a package with accents, XML-special characters and CR in every text field', () => {
    const r = xmllintSchema(buildPackageXml(specialModel(' Ação & <b>"aspas"</b> \'x\' > ]]> \r\n\tü 😀 ')));
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it('validates a package of 5,000 documents', () => {
    const r = xmllintSchema(buildPackageXml(manyDocuments(5000)));
    expect(r.ok, r.output.slice(0, 500)).toBe(true);
  });

  it('allows one ds:Signature as the last child of the root', () => {
    const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';
    expect(xmllintSchema(golden().replace('</pacote>', `${sig}</pacote>`)).ok).toBe(true);
  });

  it.each([
    ['a missing NRE', '<NRE>0000025656262025</NRE>', '', 'IDT'],
    ['a hash of 43 characters', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM', 'conteudo'],
    ['a hash that is not the base64 of 32 bytes', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNN=', 'conteudo'],
    ['elements out of order', '<NRE>0000025656262025</NRE><IDT>1000000123</IDT>', '<IDT>1000000123</IDT><NRE>0000025656262025</NRE>', 'IDT'],
    ['a signature before the processo', '</cabecalho>', '</cabecalho><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>', 'Signature'],
    ['an empty optional list', '<interessados><interessado><nome>Secretaria Municipal de Obras</nome></interessado></interessados>', '<interessados/>', 'interessados'],
  ])('refuses %s', (_case, from, to, named) => {
    const g = golden();
    expect(g).toContain(from);
    const r = xmllintSchema(g.replace(from, to));
    expect(r.ok).toBe(false);
    expect(r.output).toContain(named);
  });
});
