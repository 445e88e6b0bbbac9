import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatValidationIssues,
  parseIniciarTramiteDocumento,
  type CodeLists,
  type IniciarTramiteDocumento,
  type ValidationIssue,
} from './index.ts';

const lists: CodeLists = {
  especies: new Set([42, 86, 88, 89, 179]),
  hipotesesLegais: new Set([1, 2, 3]),
  motivosUrgencia: 3,
};

const avulso = (): any =>
  JSON.parse(
    readFileSync(
      new URL('../../../fixtures/packages/avulso-dois-destinatarios.json', import.meta.url),
      'utf8',
    ),
  );

function accept(body: unknown): IniciarTramiteDocumento {
  const r = parseIniciarTramiteDocumento(body, lists);
  if (!r.ok) throw new Error(formatValidationIssues(r.error));
  return r.value;
}

function refuse(body: unknown): ValidationIssue[] {
  const r = parseIniciarTramiteDocumento(body, lists);
  if (r.ok) throw new Error('the body was accepted');
  return r.error;
}

describe('parseIniciarTramiteDocumento', () => {
  it('accepts a documento avulso for two destinatários, normalising their ids', () => {
    const { cabecalho, documento } = accept(avulso());
    expect(cabecalho.remetente).toEqual({
      identificacaoDoRepositorioDeEstruturas: 5,
      numeroDeIdentificacaoDaEstrutura: '159098',
    });
    expect(cabecalho.destinatarios).toEqual([
      { identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: '171456' },
      { identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: '180001' },
    ]);
    expect(cabecalho.urgencia).toBe(false);
    expect(cabecalho.propriedadesAdicionais).toEqual([]);
    expect(documento.protocolo).toBe('00123.004567/2026-11');
    expect(documento.especie).toEqual({ codigo: 89, nomeNoProdutor: 'Ofício-Circular' });
    expect(documento.retirado).toBe(false);
  });

  it('ignores a singular destinatario and asks for destinatarios', () => {
    const body = avulso();
    body.cabecalho.destinatario = body.cabecalho.destinatarios[0];
    delete body.cabecalho.destinatarios;
    expect(refuse(body)).toEqual([{ path: 'cabecalho.destinatarios', message: 'é obrigatório' }]);
  });

  it('refuses an empty list of destinatários', () => {
    const body = avulso();
    body.cabecalho.destinatarios = [];
    expect(refuse(body)).toEqual([
      { path: 'cabecalho.destinatarios', message: 'deve conter ao menos um destinatário' },
    ]);
  });

  it('refuses the same destinatário twice, however its id is spelled', () => {
    const body = avulso();
    body.cabecalho.destinatarios.push({
      identificacaoDoRepositorioDeEstruturas: '1',
      numeroDeIdentificacaoDaEstrutura: '0171456',
    });
    expect(refuse(body)).toEqual([
      {
        path: 'cabecalho.destinatarios[2]',
        message: 'repete o destinatário de cabecalho.destinatarios[0]',
      },
    ]);
  });

  it('names a wrong destinatário by its index', () => {
    const body = avulso();
    body.cabecalho.destinatarios[1].numeroDeIdentificacaoDaEstrutura = 'COPROT';
    expect(refuse(body)).toEqual([
      {
        path: 'cabecalho.destinatarios[1].numeroDeIdentificacaoDaEstrutura',
        message: 'deve conter apenas dígitos',
      },
    ]);
  });

  it('refuses a body without documento', () => {
    const body = avulso();
    delete body.documento;
    expect(refuse(body)).toEqual([{ path: 'documento', message: 'é obrigatório' }]);
  });

  it('applies the document rules under the documento path', () => {
    const body = avulso();
    body.documento.especie.codigo = 12345;
    body.documento.componentesDigitais[0].hash.conteudo = 'abc';
    body.documento.protocolo = 'p'.repeat(51);
    expect(refuse(body)).toEqual([
      { path: 'documento.especie.codigo', message: 'deve ser um código de espécie válido' },
      {
        path: 'documento.protocolo',
        message: 'deve ter no máximo 50 caracteres (tem 51)',
      },
      {
        path: 'documento.componentesDigitais[0].hash.conteudo',
        message: 'deve ser o SHA-256 do componente em base64 (44 caracteres, terminando em "=")',
      },
    ]);
  });

  it('refuses a body that is not a JSON object', () => {
    expect(refuse('[]')).toEqual([
      { path: '', message: 'o corpo da requisição deve ser um objeto JSON' },
    ]);
  });
});
