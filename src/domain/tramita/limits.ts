/** Field limits and closed value lists of the Tramita data model (spec §3, §8.1, §8.2). */

/** Text limits in characters (§8.1; §3 repeats them per field). */
export const limits = {
  protocolo: 50,
  descricao: 100,
  processoDeNegocio: 100,
  complemento: 100,
  nome: 150,
  operacao: 1000,
  mimeType: 100,
  /** Values of `CLASSIFICACAO_Descricao_n` and `CLASSIFICACAO_Observacao_n`. */
  classificacaoTexto: 10_000,
} as const;

/** `propriedadesAdicionais` keys whose value is limited to 10000 characters (§8.1). */
export const LONG_TEXT_PROPERTY = /^CLASSIFICACAO_(?:Descricao|Observacao)_\d+$/;

/**
 * The mimeType values the hub accepts (§8.2); anything else travels as `"outro"` with the real
 * type in `dadosComplementaresDoTipoDeArquivo`.
 */
export const MIME_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.formula',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'text/xml',
  'text/rtf',
  'text/html',
  'text/plain',
  'text/csv',
  'image/gif',
  'image/jpeg',
  'image/png',
  'image/svg+xml',
  'image/tiff',
  'image/bmp',
  'audio/mp4',
  'audio/midi',
  'audio/ogg',
  'audio/vnd.wave',
  'video/avi',
  'video/mpeg',
  'video/mp4',
  'video/ogg',
  'video/webm',
  'outro',
]);

/** `tipoDeConteudo` (§3.3). */
export const TIPOS_DE_CONTEUDO: readonly string[] = ['txt', 'img', 'aud', 'vid', 'out'];

/** `nivelDeSigilo`: público, restrito, sigiloso (§3.1). */
export const NIVEIS_DE_SIGILO: readonly string[] = ['1', '2', '3'];

/** `produtor.tipo` and `produtor.unidade.tipo` (§3.1). */
export const TIPOS_DE_PRODUTOR: readonly string[] = ['fisica', 'juridica', 'orgaopublico'];

/** Hash algorithm of a component (§3.3). */
export const ALGORITMO_DO_HASH = 'SHA256';

/**
 * Base64 of 32 bytes: 43 significant characters and one `=`. The last significant character
 * carries 2 padding bits, which canonical encoders leave at zero; a non-canonical spelling
 * would never equal the hash the hub computes, so it is refused here rather than at upload.
 */
export const SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * Apensados nest (§3.1 "complete, recursive"). The spec sets no depth; this bound (a hub choice,
 * not a reference value) keeps a hostile body from exhausting the stack.
 */
export const MAX_APENSADO_DEPTH = 10;

/**
 * Sizes of the lists of a package. The spec sets none (§3); without them a list of hundreds of
 * thousands of entries would cost the hub seconds of work per request. Each bound is a hub
 * choice, chosen far above what real SEI processes carry, so that no real process is refused:
 * - documentos: large SEI processes (licitações, obras) reach a few thousand documents; 20000
 *   per process leaves a wide margin.
 * - componentes per document: SEI sends one component per document (the module splits nothing);
 *   an e-mail with attachments or a digitised volume may carry some tens. 500 leaves room.
 * - componentes in the whole package (main process and apensados): 50000, above 20000
 *   documents of one process with a second component each and some apensados.
 * - destinatários of a documento avulso (§2.9): each becomes a trâmite; a circular to every
 *   unit of a large órgão is a few hundred. 1000.
 * - interessados: a process of a collective claim may name thousands of people. 10000.
 * - propriedadesAdicionais: SEI sends the module version and six keys per classification
 *   (`CLASSIFICACAO_*_n`); a process has a handful of classifications. 1000.
 * - processoApensado: a process rarely has more than some tens apensados; 1000 in the whole
 *   package (every level together), besides the depth bound below.
 */
export const listLimits = {
  documentos: 20_000,
  componentesPorDocumento: 500,
  componentesNoPacote: 50_000,
  destinatarios: 1_000,
  interessados: 10_000,
  propriedadesAdicionais: 1_000,
  apensadosNoPacote: 1_000,
} as const;

/**
 * Fields a package carries that §3 does not define are relayed byte for byte (ARCHITECTURE
 * "Byte stability"; SEI leaks internal ids such as `idProcedimentoSEI`, spec §1.5.4), but the
 * hub neither reads nor validates them, so their total is bounded: 1,000,000 characters of
 * their compact JSON (key and value) in a whole body. SEI's leaked fields are a few numbers per
 * document (about 30 characters); 20000 documents of them stay under 1 million.
 */
export const MAX_UNKNOWN_FIELD_CHARS = 1_000_000;

/**
 * Shape bounds of a start body, checked on its bytes before it is parsed (the parsed value of
 * `{"x":[{},{},…]}` takes about 90 bytes of memory per 3 bytes of JSON). SEI writes some 30
 * values per KB of package, a quarter of them objects or lists (a document with one component
 * and its signatures is about 1 KB, 35 values, 10 objects and lists): 64 MB of it is about
 * 2 million values and half a million objects; the bounds leave half as much again. Measured
 * on the costliest body they let through (64 MB, all three bounds reached), the analysis
 * thread grows by about 300 MB. Nesting is at most some ten levels per process plus apensados
 * (MAX_APENSADO_DEPTH); 200 leaves room for the sender's unknown fields.
 */
export const jsonShapeLimits = {
  values: 3_000_000,
  containers: 750_000,
  depth: 200,
} as const;
