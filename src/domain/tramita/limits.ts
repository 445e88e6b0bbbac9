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
