import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatValidationIssues,
  parseIniciarTramiteProcesso,
  type CodeLists,
  type IniciarTramiteProcesso,
  type ValidationIssue,
} from './index.ts';

const lists: CodeLists = {
  especies: new Set([42, 86, 88, 89, 179]),
  hipotesesLegais: new Set([1, 2, 3]),
  motivosUrgencia: 3,
};

// Bodies are mutated freely by the tests, hence `any`.
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/packages/${name}`, import.meta.url), 'utf8'));
const sei = () => fixture('sei-processo-dois-documentos.json');
const comApensado = () => fixture('sei-processo-com-apensado.json');

function accept(body: unknown): IniciarTramiteProcesso {
  const r = parseIniciarTramiteProcesso(body, lists);
  if (!r.ok) throw new Error(formatValidationIssues(r.error));
  return r.value;
}

function refuse(body: unknown): ValidationIssue[] {
  const r = parseIniciarTramiteProcesso(body, lists);
  if (r.ok) throw new Error('the body was accepted');
  return r.error;
}

const doc1 = 'processo.documentos[0] (ordem 1)';
const doc2 = 'processo.documentos[1] (ordem 2)';
const comp = `${doc1}.componentesDigitais[0]`;

describe('parseIniciarTramiteProcesso: what SEI sends', () => {
  it('accepts the body SEI 4.0.x sends for a process with two documents', () => {
    const { cabecalho, processo } = accept(sei());
    expect(cabecalho.remetente).toEqual({
      identificacaoDoRepositorioDeEstruturas: 1,
      numeroDeIdentificacaoDaEstrutura: '159098',
    });
    expect(processo.protocolo).toBe('99990.000001/2026-01');
    expect(processo.documentos.map((d) => d.especie.codigo)).toEqual([42, 88]);
    expect(processo.processoApensado).toEqual([]);
  });

  it('normalises a zero-padded structure id to its digits', () => {
    expect(accept(sei()).cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura).toBe('171456');
  });

  it('reads motivoDaUrgencia true as urgent without a reason code (§2.8)', () => {
    const { cabecalho } = accept(sei());
    expect(cabecalho.urgencia).toBe(true);
    expect(cabecalho.motivoDaUrgencia).toBeUndefined();
    expect('motivoDaUrgencia' in cabecalho).toBe(false);
  });

  it('keeps propriedadesAdicionais with a JSON integer valor as a number', () => {
    const { cabecalho } = accept(sei());
    expect(cabecalho.propriedadesAdicionais).toContainEqual({
      chave: 'CLASSIFICACAO_PrazoCorrente_1',
      valor: 5,
    });
    expect(cabecalho.propriedadesAdicionais).toHaveLength(7);
    expect(cabecalho.NRE).toBe('0000025656262025');
    expect(cabecalho.enviarApenasComponentesDigitaisPendentes).toBe(true);
  });

  it('drops SEI internal fields and keeps only fields of §3 (§1.5.4)', () => {
    const text = JSON.stringify(accept(sei()));
    for (const internal of ['idProcedimentoSEI', 'idDocumentoSEI', 'staTipoProtocolo', 'idAnexo'])
      expect(text).not.toContain(internal);
  });

  it('keeps the CPF SEI sends as a JSON number as its digits', () => {
    expect(accept(sei()).processo.produtor.numeroDeIdentificacao).toBe('12345678909');
  });

  it('relays digital signatures unchanged', () => {
    const body = sei();
    const signatures = body.processo.documentos[0].componentesDigitais[0].assinaturasDigitais;
    const parsed = accept(body).processo.documentos[0]?.componentesDigitais[0];
    expect(parsed?.assinaturasDigitais).toEqual(signatures);
  });

  it('gives retirado false to documents that do not say', () => {
    const body = sei();
    delete body.processo.documentos[0].retirado;
    expect(accept(body).processo.documentos[0]?.retirado).toBe(false);
  });

  it('accepts a process with an apensado whose documents are numbered on their own', () => {
    const { processo } = accept(comApensado());
    expect(processo.processoApensado).toHaveLength(1);
    expect(processo.processoApensado[0]?.protocolo).toBe('99990.000003/2026-08');
    expect(processo.processoApensado[0]?.documentos.map((d) => d.ordem)).toEqual([1, 2]);
    expect(processo.processoApensado[0]?.processoApensado).toEqual([]);
    expect(processo.documentos[1]?.retirado).toBe(true);
  });

  it('treats null like an absent optional field', () => {
    const body = sei();
    body.processo.observacao = null;
    body.processo.interessados = null;
    body.cabecalho.NRE = null;
    const { processo, cabecalho } = accept(body);
    expect('observacao' in processo).toBe(false);
    expect(cabecalho.NRE).toBeUndefined();
  });

  it('treats an empty optional date as absent, as SEI writes "" for unset dates', () => {
    const body = sei();
    body.processo.dataHoraDeRegistro = '';
    expect(accept(body).processo.dataHoraDeRegistro).toBeUndefined();
  });

  it('treats hipoteseLegal with a null identificacao as not given (SEI, when unmapped)', () => {
    const body = sei();
    body.processo.hipoteseLegal = { identificacao: null };
    expect(accept(body).processo.hipoteseLegal).toBeUndefined();
  });
});

describe('parseIniciarTramiteProcesso: refusals name the exact path', () => {
  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, [], 'texto', 42, undefined])
      expect(refuse(body)).toEqual([
        { path: '', message: 'o corpo da requisição deve ser um objeto JSON' },
      ]);
  });

  it('refuses a body without cabecalho and processo', () => {
    expect(refuse({})).toEqual([
      { path: 'cabecalho', message: 'é obrigatório' },
      { path: 'processo', message: 'é obrigatório' },
    ]);
  });

  it.each([
    ['protocolo', 'processo.protocolo'],
    ['nivelDeSigilo', 'processo.nivelDeSigilo'],
    ['dataHoraDeProducao', 'processo.dataHoraDeProducao'],
    ['produtor', 'processo.produtor'],
    ['documentos', 'processo.documentos'],
  ])('refuses a process without %s', (key, path) => {
    const body = sei();
    delete body.processo[key];
    expect(refuse(body)).toEqual([{ path, message: 'é obrigatório' }]);
  });

  it('refuses a process whose producer has no nome', () => {
    const body = sei();
    delete body.processo.produtor.nome;
    expect(refuse(body)).toEqual([{ path: 'processo.produtor.nome', message: 'é obrigatório' }]);
  });

  it.each([
    ['remetente', 'cabecalho.remetente'],
    ['destinatario', 'cabecalho.destinatario'],
  ])('refuses a cabecalho without %s', (key, path) => {
    const body = sei();
    delete body.cabecalho[key];
    expect(refuse(body)).toEqual([{ path, message: 'é obrigatório' }]);
  });

  it('refuses a protocolo longer than 50 characters', () => {
    const body = sei();
    body.processo.protocolo = 'x'.repeat(51);
    expect(refuse(body)).toEqual([
      { path: 'processo.protocolo', message: 'deve ter no máximo 50 caracteres (tem 51)' },
    ]);
  });

  it('counts characters, not UTF-16 units, against the limits', () => {
    const body = sei();
    body.processo.descricao = '😀'.repeat(100);
    expect(accept(body).processo.descricao).toHaveLength(200);
  });

  it.each([
    ['processo.descricao', (b: any) => (b.processo.descricao = 'd'.repeat(101)), 100, 101],
    [
      'processo.processoDeNegocio',
      (b: any) => (b.processo.processoDeNegocio = 'p'.repeat(101)),
      100,
      101,
    ],
    [
      `${doc2}.descricao`,
      (b: any) => (b.processo.documentos[1].descricao = 'd'.repeat(101)),
      100,
      101,
    ],
    [
      `${doc2}.identificacao.complemento`,
      (b: any) => (b.processo.documentos[1].identificacao.complemento = 'c'.repeat(101)),
      100,
      101,
    ],
    ['processo.produtor.nome', (b: any) => (b.processo.produtor.nome = 'n'.repeat(151)), 150, 151],
    [
      'processo.produtor.unidade.nome',
      (b: any) => (b.processo.produtor.unidade.nome = 'n'.repeat(151)),
      150,
      151,
    ],
    [
      'processo.interessados[0].nome',
      (b: any) => (b.processo.interessados[0].nome = 'n'.repeat(151)),
      150,
      151,
    ],
    [
      'processo.itensHistorico[1].operacao',
      (b: any) => (b.processo.itensHistorico[1].operacao = 'o'.repeat(1001)),
      1000,
      1001,
    ],
    [
      `${comp}.mimeType`,
      (b: any) => (b.processo.documentos[0].componentesDigitais[0].mimeType = 'm'.repeat(101)),
      100,
      101,
    ],
    [
      'cabecalho.propriedadesAdicionais[0].valor',
      (b: any) => (b.cabecalho.propriedadesAdicionais[0].valor = 'v'.repeat(10001)),
      10000,
      10001,
    ],
    [
      'cabecalho.propriedadesAdicionais[5].valor',
      (b: any) => (b.cabecalho.propriedadesAdicionais[5].valor = 'v'.repeat(10001)),
      10000,
      10001,
    ],
  ])('refuses %s beyond its limit', (path, mutate, max, got) => {
    const body = sei();
    mutate(body);
    expect(refuse(body)).toEqual([
      { path, message: `deve ter no máximo ${max} caracteres (tem ${got})` },
    ]);
  });

  it('lets other propriedadesAdicionais carry long values', () => {
    const body = sei();
    body.cabecalho.propriedadesAdicionais[1].valor = 'v'.repeat(20000);
    expect(accept(body).cabecalho.propriedadesAdicionais[1]?.valor).toHaveLength(20000);
  });

  it('refuses an espécie code missing from the federation list with the reference message', () => {
    const body = sei();
    body.processo.documentos[1].especie.codigo = 999;
    const issues = refuse(body);
    expect(issues).toEqual([
      { path: `${doc2}.especie.codigo`, message: 'deve ser um código de espécie válido' },
    ]);
    expect(formatValidationIssues(issues)).toBe(
      'Os seguintes erros de validação de campos foram identificados: ' +
        '- processo.documentos[1] (ordem 2).especie.codigo deve ser um código de espécie válido',
    );
  });

  it('refuses an espécie code sent as text', () => {
    const body = sei();
    body.processo.documentos[0].especie.codigo = '42';
    expect(refuse(body)).toEqual([
      { path: `${doc1}.especie.codigo`, message: 'deve ser um código de espécie válido' },
    ]);
  });

  it('refuses an empty nomeNoProdutor with the reference message', () => {
    const body = sei();
    body.processo.documentos[0].especie.nomeNoProdutor = '  ';
    expect(refuse(body)).toEqual([
      { path: `${doc1}.especie.nomeNoProdutor`, message: 'não pode ser vazio' },
    ]);
  });

  it('refuses a hipótese legal missing from the federation list', () => {
    const body = sei();
    body.processo.documentos[1].hipoteseLegal.identificacao = 99;
    expect(refuse(body)).toEqual([
      {
        path: `${doc2}.hipoteseLegal.identificacao`,
        message: 'deve ser uma hipótese legal válida (99 não consta da lista do barramento)',
      },
    ]);
  });

  it.each(['4', '0', 'publico', 2.5])('refuses nivelDeSigilo %j', (nivel) => {
    const body = sei();
    body.processo.nivelDeSigilo = nivel;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.nivelDeSigilo',
        message: 'deve ser "1" (público), "2" (restrito) ou "3" (sigiloso)',
      },
    ]);
  });

  it('refuses a mimeType outside the §8.2 list', () => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].mimeType =
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(refuse(body)).toEqual([
      {
        path: `${comp}.mimeType`,
        message:
          'deve ser um dos tipos aceitos pelo barramento (como "application/pdf") ou "outro", ' +
          'com o tipo real em dadosComplementaresDoTipoDeArquivo',
      },
    ]);
  });

  it('accepts "outro" and a listed mimeType in any letter case', () => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].mimeType = 'outro';
    body.processo.documentos[1].componentesDigitais[0].mimeType = 'Application/PDF';
    expect(accept(body).processo.documentos[1]?.componentesDigitais[0]?.mimeType).toBe(
      'Application/PDF',
    );
  });

  it.each(['pdf', 'text', ''])('refuses tipoDeConteudo %j', (tipo) => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].tipoDeConteudo = tipo;
    expect(refuse(body)).toEqual([
      {
        path: `${comp}.tipoDeConteudo`,
        message: 'deve ser "txt", "img", "aud", "vid" ou "out"',
      },
    ]);
  });

  it.each([
    ['hexadecimal', '953d5661973c96c1c88bca8a39a02bd585e0d463909bd08d44b207d8e5ba6cd3'],
    ['unpadded', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM'],
    ['URL-safe alphabet', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6b_-='],
    ['non-canonical last character', 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNN='],
    ['of another length (SHA-1)', 'qvTGHdzF6KLavt4PO0gs2a6pQ00='],
  ])('refuses a %s hash conteudo', (_, conteudo) => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].hash.conteudo = conteudo;
    expect(refuse(body)).toEqual([
      {
        path: `${comp}.hash.conteudo`,
        message: 'deve ser o SHA-256 do componente em base64 (44 caracteres, terminando em "=")',
      },
    ]);
  });

  it('refuses a hash algorithm other than SHA256', () => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].hash.algoritmo = 'SHA-256';
    expect(refuse(body)).toEqual([
      { path: `${comp}.hash.algoritmo`, message: 'deve ser "SHA256"' },
    ]);
  });

  it.each([-1, 1.5, '52'])('refuses tamanhoEmBytes %j', (tamanho) => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].tamanhoEmBytes = tamanho;
    expect(refuse(body)).toEqual([
      {
        path: `${comp}.tamanhoEmBytes`,
        message: 'deve ser um número inteiro maior ou igual a 0',
      },
    ]);
  });

  it('accepts a zero-byte component', () => {
    const body = sei();
    body.processo.documentos[0].componentesDigitais[0].tamanhoEmBytes = 0;
    expect(accept(body).processo.documentos[0]?.componentesDigitais[0]?.tamanhoEmBytes).toBe(0);
  });

  it('refuses a process without documents', () => {
    const body = sei();
    body.processo.documentos = [];
    expect(refuse(body)).toEqual([
      { path: 'processo.documentos', message: 'deve conter ao menos um documento' },
    ]);
  });

  it('refuses a document without components', () => {
    const body = sei();
    body.processo.documentos[1].componentesDigitais = [];
    expect(refuse(body)).toEqual([
      {
        path: `${doc2}.componentesDigitais`,
        message: 'deve conter ao menos um componente digital',
      },
    ]);
  });

  it('refuses two documents with the same ordem, naming both', () => {
    const body = sei();
    body.processo.documentos[1].ordem = 1;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.documentos[1] (ordem 1).ordem',
        message: 'repete a ordem 1, já usada em processo.documentos[0] (ordem 1)',
      },
      {
        path: 'processo.documentos',
        message: 'deve ter ordens contíguas de 1 a 2; falta a ordem 2',
      },
    ]);
  });

  it('refuses document ordens with a gap', () => {
    const body = sei();
    body.processo.documentos[1].ordem = 3;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.documentos',
        message: 'deve ter ordens contíguas de 1 a 2; falta a ordem 2',
      },
    ]);
  });

  it('accepts documents listed out of ordem when the ordens are 1..n', () => {
    const body = sei();
    body.processo.documentos.reverse();
    expect(accept(body).processo.documentos.map((d) => d.ordem)).toEqual([2, 1]);
  });

  it('refuses an ordem that is not a positive integer, without a misleading gap', () => {
    const body = sei();
    body.processo.documentos[1].ordem = 0;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.documentos[1].ordem',
        message: 'deve ser um número inteiro maior ou igual a 1',
      },
    ]);
  });

  it('numbers the documents of an apensado on their own and checks them there', () => {
    const body = comApensado();
    body.processo.processoApensado[0].documentos[1].ordem = 3;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.processoApensado[0].documentos',
        message: 'deve ter ordens contíguas de 1 a 2; falta a ordem 2',
      },
    ]);
  });

  it('refuses component ordens that are not 1..n within a document', () => {
    const body = sei();
    const c = body.processo.documentos[0].componentesDigitais;
    c.push({ ...c[0], ordem: 3 });
    expect(refuse(body)).toEqual([
      {
        path: `${doc1}.componentesDigitais`,
        message: 'deve ter ordens contíguas de 1 a 2; falta a ordem 2',
      },
    ]);
  });

  it('validates the shape of the components of a retirado document', () => {
    const body = comApensado();
    body.processo.documentos[1].componentesDigitais[0].hash.conteudo = 'vazio';
    expect(refuse(body)).toEqual([
      {
        path: 'processo.documentos[1] (ordem 2).componentesDigitais[0].hash.conteudo',
        message: 'deve ser o SHA-256 do componente em base64 (44 caracteres, terminando em "=")',
      },
    ]);
  });

  it('refuses an apensado that repeats the protocolo of the main process', () => {
    const body = comApensado();
    body.processo.processoApensado[0].protocolo = body.processo.protocolo;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.processoApensado[0].protocolo',
        message: 'repete o protocolo 99990.000002/2026-55, já usado em processo',
      },
    ]);
  });

  it('reports a wrong field of an apensado under its own path', () => {
    const body = comApensado();
    body.processo.processoApensado[0].documentos[0].especie.codigo = 7777;
    expect(refuse(body)).toEqual([
      {
        path: 'processo.processoApensado[0].documentos[0] (ordem 1).especie.codigo',
        message: 'deve ser um código de espécie válido',
      },
    ]);
  });

  it('refuses apensados nested beyond the depth limit', () => {
    const body = comApensado();
    const leaf = body.processo.processoApensado[0];
    let p = body.processo;
    for (let level = 0; level < 11; level += 1) {
      const next = { ...leaf, protocolo: `99990.9${String(level).padStart(5, '0')}/2026-00` };
      p.processoApensado = [next];
      p = next;
    }
    const issues = refuse(body);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe('excede o limite de 10 níveis de apensação');
    expect(issues[0]?.path).toMatch(/^processo(\.processoApensado\[0\]){10}\.processoApensado$/);
  });
});

describe('parseIniciarTramiteProcesso: units, booleans, NRE, urgency, dates', () => {
  it('accepts repository and structure ids as numbers or digit strings', () => {
    const body = sei();
    body.cabecalho.remetente = {
      identificacaoDoRepositorioDeEstruturas: '1',
      numeroDeIdentificacaoDaEstrutura: 159098,
    };
    body.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = '0000';
    const { cabecalho } = accept(body);
    expect(cabecalho.remetente).toEqual({
      identificacaoDoRepositorioDeEstruturas: 1,
      numeroDeIdentificacaoDaEstrutura: '159098',
    });
    expect(cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura).toBe('0');
  });

  it('accepts the largest signed 64-bit structure id as a digit string', () => {
    const body = sei();
    body.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = '9223372036854775807';
    expect(accept(body).cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura).toBe(
      '9223372036854775807',
    );
  });

  it.each([
    ['12a', 'deve conter apenas dígitos'],
    ['-5', 'deve conter apenas dígitos'],
    ['', 'deve conter apenas dígitos'],
    [-5, 'deve ser um número inteiro não negativo ou um texto de dígitos'],
    [1.5, 'deve ser um número inteiro não negativo ou um texto de dígitos'],
    [
      '9223372036854775808',
      'excede o maior identificador de estrutura aceito (9223372036854775807)',
    ],
    [
      2 ** 60,
      'é grande demais para ser lido com exatidão como número; envie-o como texto de dígitos',
    ],
    [true, 'deve ser um número inteiro ou um texto de dígitos'],
  ])('refuses the structure id %j', (id, message) => {
    const body = sei();
    body.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = id;
    expect(refuse(body)).toEqual([
      { path: 'cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura', message },
    ]);
  });

  it.each([-1, 'um', 1.5])('refuses the repository id %j', (id) => {
    const body = sei();
    body.cabecalho.remetente.identificacaoDoRepositorioDeEstruturas = id;
    expect(refuse(body)).toEqual([
      {
        path: 'cabecalho.remetente.identificacaoDoRepositorioDeEstruturas',
        message: 'deve ser um número inteiro não negativo',
      },
    ]);
  });

  it.each([
    [true, true],
    [1, true],
    ['1', true],
    ['true', true],
    [false, false],
    [0, false],
    ['0', false],
    ['false', false],
  ])('reads the boolean %j as %s (§1.5.2)', (sent, read) => {
    const body = sei();
    body.cabecalho.enviarApenasComponentesDigitaisPendentes = sent;
    body.processo.documentos[0].retirado = sent;
    const { cabecalho, processo } = accept(body);
    expect(cabecalho.enviarApenasComponentesDigitaisPendentes).toBe(read);
    expect(processo.documentos[0]?.retirado).toBe(read);
  });

  it.each(['sim', 2, 'TRUE', {}])('refuses the boolean %j', (sent) => {
    const body = sei();
    body.cabecalho.urgencia = sent;
    expect(refuse(body)).toEqual([
      { path: 'cabecalho.urgencia', message: 'deve ser um valor lógico (true ou false)' },
    ]);
  });

  it.each(['000002565626202', '00000256562620251', '000002565626202a', 25656262025])(
    'refuses the NRE %j',
    (nre) => {
      const body = sei();
      body.cabecalho.NRE = nre;
      expect(refuse(body)).toEqual([
        { path: 'cabecalho.NRE', message: 'deve ser um texto de 16 dígitos' },
      ]);
    },
  );

  it('keeps a motivoDaUrgencia code within the list', () => {
    const body = sei();
    body.cabecalho.motivoDaUrgencia = 3;
    expect(accept(body).cabecalho.motivoDaUrgencia).toBe(3);
  });

  it('reads motivoDaUrgencia false as no reason', () => {
    const body = sei();
    body.cabecalho.motivoDaUrgencia = false;
    expect(accept(body).cabecalho.motivoDaUrgencia).toBeUndefined();
  });

  it.each([0, 4, 1.5, '1'])('refuses motivoDaUrgencia %j', (motivo) => {
    const body = sei();
    body.cabecalho.motivoDaUrgencia = motivo;
    expect(refuse(body)).toEqual([
      {
        path: 'cabecalho.motivoDaUrgencia',
        message: 'deve ser o código de um motivo de urgência, de 1 a 3',
      },
    ]);
  });

  it('defaults urgencia and envio parcial to false and properties to [] when omitted', () => {
    const body = sei();
    for (const k of [
      'urgencia',
      'motivoDaUrgencia',
      'enviarApenasComponentesDigitaisPendentes',
      'propriedadesAdicionais',
      'NRE',
    ])
      delete body.cabecalho[k];
    expect(accept(body).cabecalho).toEqual({
      remetente: {
        identificacaoDoRepositorioDeEstruturas: 1,
        numeroDeIdentificacaoDaEstrutura: '159098',
      },
      destinatario: {
        identificacaoDoRepositorioDeEstruturas: 1,
        numeroDeIdentificacaoDaEstrutura: '171456',
      },
      enviarApenasComponentesDigitaisPendentes: false,
      urgencia: false,
      propriedadesAdicionais: [],
    });
  });

  it.each([
    [
      { chave: 'X', valor: { a: 1 } },
      'cabecalho.propriedadesAdicionais[0].valor',
      'deve ser um texto ou um número',
    ],
    [{ chave: 'X', valor: null }, 'cabecalho.propriedadesAdicionais[0].valor', 'é obrigatório'],
    [{ valor: 'NA' }, 'cabecalho.propriedadesAdicionais[0].chave', 'é obrigatório'],
    ['MODULO_PEN_VERSAO', 'cabecalho.propriedadesAdicionais[0]', 'deve ser um objeto'],
  ])('refuses the propriedade adicional %j', (prop, path, message) => {
    const body = sei();
    body.cabecalho.propriedadesAdicionais = [prop];
    expect(refuse(body)).toEqual([{ path, message }]);
  });

  it.each([
    '2026-03-10T14:22:05-03:00',
    '2026-03-10T17:22:05.000Z',
    '2026-03-10T17:22:05Z',
    '2026-03-10T17:22:05.123456+00:00',
    '2026-03-10T14:22:05-0300',
    '2026-03-10T14:22:05',
    '2024-02-29T00:00:00Z',
  ])('accepts the date-time %s (§1.5.8)', (date) => {
    const body = sei();
    body.processo.dataHoraDeProducao = date;
    expect(accept(body).processo.dataHoraDeProducao).toBe(date);
  });

  it.each([
    '02/03/2026 10:00:00',
    '2026-03-10',
    '2026-03-10 14:22:05',
    '2026-02-30T10:00:00Z',
    '2025-02-29T10:00:00Z',
    '2026-03-10T24:00:00Z',
    '2026-03-10T14:22:05+25:00',
    1773163325,
  ])('refuses the date-time %j', (date) => {
    const body = sei();
    body.processo.documentos[0].dataHoraDeProducao = date;
    expect(refuse(body)).toEqual([
      {
        path: `${doc1}.dataHoraDeProducao`,
        message: 'deve ser uma data e hora ISO-8601, como 2026-03-10T14:22:05-03:00',
      },
    ]);
  });

  it('refuses an empty dataHoraDeProducao of the process, which is required', () => {
    const body = sei();
    body.processo.dataHoraDeProducao = '';
    expect(refuse(body)).toEqual([
      { path: 'processo.dataHoraDeProducao', message: 'é obrigatório' },
    ]);
  });
});

describe('parseIniciarTramiteProcesso: reporting', () => {
  it('reports every problem at once, in body order', () => {
    const body = sei();
    body.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = 'abc';
    body.processo.protocolo = '';
    body.processo.documentos[0].componentesDigitais[0].hash.algoritmo = 'MD5';
    body.processo.documentos[1].especie.codigo = 1000;
    expect(refuse(body)).toEqual([
      {
        path: 'cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura',
        message: 'deve conter apenas dígitos',
      },
      { path: 'processo.protocolo', message: 'não pode ser vazio' },
      { path: `${comp}.hash.algoritmo`, message: 'deve ser "SHA256"' },
      { path: `${doc2}.especie.codigo`, message: 'deve ser um código de espécie válido' },
    ]);
  });

  it('reports at most 50 issues and says how many more there were', () => {
    const body = sei();
    const template = body.processo.documentos[0];
    body.processo.documentos = Array.from({ length: 80 }, (_, i) => ({
      ...template,
      ordem: i + 1,
      especie: { codigo: 5000, nomeNoProdutor: 'X' },
    }));
    const issues = refuse(body);
    expect(issues).toHaveLength(50);
    expect(issues[48]).toEqual({
      path: 'processo.documentos[48] (ordem 49).especie.codigo',
      message: 'deve ser um código de espécie válido',
    });
    expect(issues[49]).toEqual({ path: '', message: 'e mais 31 erros de validação não listados' });
  });

  it('reports a wrong type where an object or a list is expected', () => {
    const body = sei();
    body.processo.produtor = 'Maria';
    body.processo.documentos[0].componentesDigitais = { ordem: 1 };
    expect(refuse(body)).toEqual([
      { path: 'processo.produtor', message: 'deve ser um objeto' },
      { path: `${doc1}.componentesDigitais`, message: 'deve ser uma lista' },
    ]);
  });
});
