/**
 * The one description of the package XML's elements, in their fixed order: the builder writes
 * from it and the reader reads by it, so the two cannot drift apart. The XML Schema
 * (federation/schemas/pacote.xsd) states the same shapes for other tools; a test checks every
 * built package against it.
 */
import { ALGORITMO_DO_HASH, SHA256_BASE64 } from '../../domain/tramita/limits.ts';

/** A leaf's lexical kind. `integer`: a safe integer ≥ 0; `boolean`: `true` | `false`. */
export type LeafKind = 'text' | 'integer' | 'boolean';

export type Field =
  | { name: string; kind: LeafKind; optional?: boolean; pattern?: RegExp; patternText?: string }
  | { name: string; kind: 'object'; optional?: boolean; fields: () => readonly Field[] }
  | {
      name: string;
      kind: 'list';
      optional?: boolean;
      /** Name of each item element inside the container. */
      item: string;
      fields: () => readonly Field[];
      /** Items carry `ordem` 1..n in document order (spec §3.2, §3.3). */
      ordered?: boolean;
    };

const text = (name: string, optional = false): Field => ({ name, kind: 'text', optional });
const integer = (name: string, optional = false): Field => ({ name, kind: 'integer', optional });
const boolean = (name: string): Field => ({ name, kind: 'boolean' });


/** A SHA-256 in canonical base64 of 32 bytes (spec §3.3, §8.1), as the Tramita face accepts it. */
const sha256Hash: readonly Field[] = [
  { name: 'algoritmo', kind: 'text', pattern: new RegExp(`^${ALGORITMO_DO_HASH}$`), patternText: `"${ALGORITMO_DO_HASH}"` },
  {
    name: 'conteudo',
    kind: 'text',
    pattern: SHA256_BASE64,
    patternText: 'o SHA-256 em base64 (44 caracteres, terminando em "=")',
  },
];

const unidade: readonly Field[] = [
  integer('identificacaoDoRepositorioDeEstruturas'),
  {
    name: 'numeroDeIdentificacaoDaEstrutura',
    kind: 'text',
    pattern: /^(0|[1-9][0-9]{0,18})$/,
    patternText: 'uma sequência de dígitos sem zeros à esquerda',
  },
  text('nome', true),
];

const produtorFields = (nomeOptional: boolean): readonly Field[] => [
  text('nome', nomeOptional),
  text('tipo', true),
  text('numeroDeIdentificacao', true),
  { name: 'unidade', kind: 'object', optional: true, fields: () => [text('nome', true), text('tipo', true)] },
];

const assinatura: readonly Field[] = [
  text('razao', true),
  text('observacao', true),
  text('dataHora', true),
  { name: 'hash', kind: 'object', optional: true, fields: () => [text('algoritmo', true), text('conteudo', true)] },
  {
    name: 'cadeiaDoCertificado',
    kind: 'object',
    optional: true,
    fields: () => [text('formato', true), text('conteudo', true)],
  },
];

const componente: readonly Field[] = [
  integer('ordem'),
  text('nome'),
  { name: 'hash', kind: 'object', fields: () => sha256Hash },
  integer('tamanhoEmBytes'),
  text('mimeType'),
  text('dadosComplementaresDoTipoDeArquivo', true),
  text('tipoDeConteudo'),
  { name: 'assinaturasDigitais', kind: 'list', optional: true, item: 'assinaturaDigital', fields: () => assinatura },
];

const nivelDeSigilo: Field = {
  name: 'nivelDeSigilo',
  kind: 'text',
  pattern: /^[123]$/,
  patternText: '"1", "2" ou "3"',
};

export const documentoFields: readonly Field[] = [
  integer('ordem'),
  text('protocolo', true),
  text('descricao', true),
  boolean('retirado'),
  nivelDeSigilo,
  integer('hipoteseLegal', true),
  text('dataHoraDeProducao', true),
  text('dataHoraDeRegistro', true),
  { name: 'produtor', kind: 'object', optional: true, fields: () => produtorFields(true) },
  { name: 'especie', kind: 'object', fields: () => [integer('codigo'), text('nomeNoProdutor')] },
  {
    name: 'identificacao',
    kind: 'object',
    optional: true,
    fields: () => [
      text('numero', true),
      text('siglaDaUnidadeProdutora', true),
      text('complemento', true),
      text('ano', true),
    ],
  },
  text('protocoloDoProcessoAnexado', true),
  integer('ordemDoDocumentoReferenciado', true),
  { name: 'componentesDigitais', kind: 'list', item: 'componenteDigital', ordered: true, fields: () => componente },
];

export const processoFields: readonly Field[] = [
  text('protocolo'),
  nivelDeSigilo,
  integer('hipoteseLegal', true),
  text('processoDeNegocio', true),
  text('descricao', true),
  text('dataHoraDeProducao'),
  text('dataHoraDeRegistro', true),
  { name: 'produtor', kind: 'object', fields: () => produtorFields(false) },
  {
    name: 'interessados',
    kind: 'list',
    optional: true,
    item: 'interessado',
    fields: () => [text('nome'), text('numeroDeIdentificacao', true)],
  },
  text('observacao', true),
  {
    name: 'itensHistorico',
    kind: 'list',
    optional: true,
    item: 'itemHistorico',
    fields: () => [
      text('dataHoraOperacao', true),
      text('unidadeOperacao', true),
      text('operacao', true),
      text('usuario', true),
    ],
  },
  { name: 'documentos', kind: 'list', item: 'documento', ordered: true, fields: () => documentoFields },
  { name: 'processosApensados', kind: 'list', optional: true, item: 'processo', fields: () => processoFields },
];

export const cabecalhoFields: readonly Field[] = [
  { name: 'NRE', kind: 'text', pattern: /^[0-9]{16}$/, patternText: '16 dígitos' },
  integer('IDT'),
  { name: 'tipo', kind: 'text', pattern: /^(processo|documento)$/, patternText: '"processo" ou "documento"' },
  { name: 'remetente', kind: 'object', fields: () => unidade },
  { name: 'destinatario', kind: 'object', fields: () => unidade },
  boolean('urgencia'),
  integer('motivoDaUrgencia', true),
  boolean('enviarApenasComponentesDigitaisPendentes'),
  { name: 'hashDosMetadados', kind: 'object', optional: true, fields: () => sha256Hash },
  text('dataDeRecebimentoDoUltimoComponenteDigital'),
  {
    name: 'propriedadesAdicionais',
    kind: 'list',
    optional: true,
    item: 'propriedadeAdicional',
    fields: () => [text('chave'), text('valor')],
  },
];

/** Children of the root `pacote`: the cabeçalho, then the processo or the documento avulso. */
export const pacoteFields: readonly Field[] = [
  { name: 'cabecalho', kind: 'object', fields: () => cabecalhoFields },
  { name: 'processo', kind: 'object', optional: true, fields: () => processoFields },
  { name: 'documento', kind: 'object', optional: true, fields: () => documentoFields },
];
