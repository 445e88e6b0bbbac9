/**
 * Tramita REST v3 request model and validation (spec §2.8, §2.9, §3, §8).
 * Pure: no I/O, no clock.
 */
export type {
  Cabecalho,
  CabecalhoDeDocumento,
  CodeLists,
  ComponenteDigital,
  Documento,
  Especie,
  Hash,
  HipoteseLegalRef,
  IdentificacaoDoDocumento,
  IniciarTramiteDocumento,
  IniciarTramiteProcesso,
  Interessado,
  ItemHistorico,
  Processo,
  Produtor,
  ProdutorDoProcesso,
  PropriedadeAdicional,
  UnidadeProdutora,
  UnidadeRef,
} from './types.ts';
export { formatValidationIssues, MAX_ISSUES, validationFailed, type ValidationIssue } from './issues.ts';
export { parseIniciarTramiteDocumento, parseIniciarTramiteProcesso } from './iniciar-tramite.ts';
export { listComponents, listDocumentComponents, type ComponentRef } from './components.ts';
export { isIsoDateTime, parseBoolean } from './readers.ts';
export { normaliseStructureId, sameUnidade } from './unidade-ref.ts';
export {
  analyseStartBody,
  INLINE_START_BODY_BYTES,
  outlineProcesso,
  type StartBodyAnalyser,
  type StartBodyAnalysis,
  type StartKind,
} from './start-body.ts';
export { listLimits, MAX_UNKNOWN_FIELD_CHARS, jsonShapeLimits } from './limits.ts';
