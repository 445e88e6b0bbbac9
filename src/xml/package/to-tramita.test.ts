import { describe, expect, it } from 'vitest';
import { parseIniciarTramiteDocumento, parseIniciarTramiteProcesso, type CodeLists } from '../../domain/tramita/index.ts';
import { fixtureBytes, storedFixture } from '../../../test/harness/package-xml.ts';
import { pacoteFromStoredTramite } from '../package-xml.ts';
import { NRE_A_ATRIBUIR, tramitaStartBody } from './to-tramita.ts';

const FIXTURES = ['sei-processo-dois-documentos.json', 'sei-processo-com-apensado.json', 'avulso-dois-destinatarios.json'];
const every = { has: () => true } as unknown as ReadonlySet<number>;
const LISTS: CodeLists = { especies: every, hipotesesLegais: every, motivosUrgencia: 1000 };

const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as unknown;

/**
 * What survives the package on the way from a Tramita body: the validated model (§1.5.4 drops
 * SEI's internal fields), with the values the package keeps as text (§3.2 número and ano, a
 * produtor's numeroDeIdentificacao, §2.8 integer prazos) as their text, in `ordem` order.
 */
function normalised(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (key, value) => {
    if ((key === 'numero' || key === 'ano' || key === 'numeroDeIdentificacao' || key === 'valor') && typeof value === 'number') return String(value);
    if (Array.isArray(value) && value.every((x) => x && typeof x === 'object' && typeof x.ordem === 'number')) return [...value].sort((a, b) => a.ordem - b.ordem);
    return value;
  }));
}

function parsed(name: string, body: unknown) {
  const r = name.startsWith('avulso') ? parseIniciarTramiteDocumento(body, LISTS) : parseIniciarTramiteProcesso(body, LISTS);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('package model to the Tramita JSON', () => {
  it.each(FIXTURES)('maps %s back to the model it came from (model → JSON → model)', (name) => {
    const stored = storedFixture(name);
    const model = pacoteFromStoredTramite(stored);
    const json = tramitaStartBody(model);
    const again = pacoteFromStoredTramite({ ...stored, body: json });
    const { hashDosMetadados: _a, ...cab1 } = model.cabecalho;
    const { hashDosMetadados: _b, ...cab2 } = again.cabecalho;
    expect({ ...again, cabecalho: cab2 }).toEqual({ ...model, cabecalho: cab1 });
  });

  it.each(FIXTURES)('gives for %s the process the fixture JSON carries, as the protocol validates it', (name) => {
    // the record's units as the fixture names them (the package takes them from the record)
    const rem = (decode(fixtureBytes(name)) as { cabecalho: { remetente: { identificacaoDoRepositorioDeEstruturas: number; numeroDeIdentificacaoDaEstrutura: string } } }).cabecalho.remetente;
    const stored = storedFixture(name, { remetente: { repositoryId: rem.identificacaoDoRepositorioDeEstruturas, numero: rem.numeroDeIdentificacaoDaEstrutura } });
    const fixture = parsed(name, decode(fixtureBytes(name)));
    const mapped = parsed(name, decode(tramitaStartBody(pacoteFromStoredTramite(stored))));
    if ('processo' in fixture && 'processo' in mapped) expect(normalised(mapped.processo)).toEqual(normalised(fixture.processo));
    if ('documento' in fixture && 'documento' in mapped) expect(normalised(mapped.documento)).toEqual(normalised(fixture.documento));
    const { NRE: _n, destinatario: _d, destinatarios: _ds, ...cab } = mapped.cabecalho as Record<string, unknown>;
    const { NRE: _fn, destinatario: _fd, destinatarios: _fds, ...fixtureCab } = fixture.cabecalho as Record<string, unknown>;
    expect(normalised(cab)).toEqual(normalised({ ...fixtureCab, urgencia: stored.tramite.urgente, enviarApenasComponentesDigitaisPendentes: stored.tramite.envioParcial }));
  });

  it('writes the same bytes for the same model, and no NRE for a process that has none yet', () => {
    const model = pacoteFromStoredTramite(storedFixture('sei-processo-dois-documentos.json', { nre: NRE_A_ATRIBUIR }));
    const a = tramitaStartBody(model);
    expect(tramitaStartBody(structuredClone(model))).toEqual(a);
    const body = decode(a) as { cabecalho: Record<string, unknown> };
    expect(body.cabecalho).not.toHaveProperty('NRE');
    expect(body.cabecalho).not.toHaveProperty('IDT');
    expect(body.cabecalho).not.toHaveProperty('hashDosMetadados');
  });
});
