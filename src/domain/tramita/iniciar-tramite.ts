/**
 * The two bodies that start a trâmite: `POST tramites/processo` (spec §2.8) and
 * `POST tramites/documento` (§2.9). Every problem is reported at once, as `0001` issues naming the
 * JSON path (§8.4); the parsed value keeps only the fields §2.8 and §3 define (§1.5.4).
 */
import { err, ok, type Result } from '../result.ts';
import { fieldPath, indexPath, IssueSink, type ValidationIssue } from './issues.ts';
import { LONG_TEXT_PROPERTY, limits, listLimits } from './limits.ts';
import { parseDocumento, parseProcesso, type ParseContext } from './package.ts';
import {
  charLength,
  field,
  isObject,
  messages,
  readArray,
  readBoolean,
  readObject,
  readString,
  type JsonObject,
} from './readers.ts';
import type {
  Cabecalho,
  CabecalhoDeDocumento,
  CodeLists,
  IniciarTramiteDocumento,
  IniciarTramiteProcesso,
  PropriedadeAdicional,
  UnidadeRef,
} from './types.ts';
import { parseUnidadeRef, readUnidadeRef } from './unidade-ref.ts';

const BODY_NOT_OBJECT = 'o corpo da requisição deve ser um objeto JSON';

/** NRE: 16 decimal digits sent as a JSON string (§4.1). */
const NRE = /^[0-9]{16}$/;

function readNre(c: JsonObject, parent: string, issues: IssueSink): string | undefined {
  const v = field(c, 'NRE');
  if (v === undefined) return undefined;
  if (typeof v === 'string' && NRE.test(v)) return v;
  issues.add(fieldPath(parent, 'NRE'), 'deve ser um texto de 16 dígitos');
  return undefined;
}

/**
 * `motivoDaUrgencia` (§2.8): the 1-based position of a reason in §2.7, or a boolean. SEI sends
 * `true` instead of a code, which means "urgent, reason not given"; both booleans read as no
 * reason.
 */
function readMotivoDaUrgencia(
  c: JsonObject,
  parent: string,
  ctx: ParseContext,
): number | undefined {
  const v = field(c, 'motivoDaUrgencia');
  if (v === undefined || typeof v === 'boolean') return undefined;
  const n = ctx.lists.motivosUrgencia;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= n) return v;
  ctx.issues.add(
    fieldPath(parent, 'motivoDaUrgencia'),
    n > 0
      ? `deve ser o código de um motivo de urgência, de 1 a ${n}`
      : 'deve ser o código de um motivo de urgência, mas não há motivos cadastrados',
  );
  return undefined;
}

/**
 * `propriedadesAdicionais` (§2.8): relayed opaquely. `valor` is a string, or a JSON number for
 * `CLASSIFICACAO_PrazoCorrente_n` and `…_PrazoIntermediario_n` as SEI sends them; the texts of
 * `CLASSIFICACAO_Descricao_n` and `…_Observacao_n` are limited to 10000 characters (§8.1).
 */
function readPropriedadesAdicionais(
  c: JsonObject,
  parent: string,
  issues: IssueSink,
): PropriedadeAdicional[] | undefined {
  const raw = readArray(c, 'propriedadesAdicionais', parent, issues, {
    max: listLimits.propriedadesAdicionais,
  });
  if (raw === undefined) return undefined;
  const listPath = fieldPath(parent, 'propriedadesAdicionais');
  const out: PropriedadeAdicional[] = [];
  raw.forEach((el, i) => {
    const path = indexPath(listPath, i);
    if (!isObject(el)) {
      issues.add(path, messages.object);
      return;
    }
    const chave = readString(el, 'chave', path, issues, { required: true, nonEmpty: true });
    const valorPath = fieldPath(path, 'valor');
    const valor = field(el, 'valor');
    if (valor === undefined) {
      issues.add(valorPath, messages.required);
      return;
    }
    if (typeof valor === 'number') {
      if (!Number.isFinite(valor)) issues.add(valorPath, 'deve ser um texto ou um número');
      else if (chave !== undefined) out.push({ chave, valor });
      return;
    }
    if (typeof valor !== 'string') {
      issues.add(valorPath, 'deve ser um texto ou um número');
      return;
    }
    if (chave !== undefined && LONG_TEXT_PROPERTY.test(chave)) {
      const length = charLength(valor);
      if (length > limits.classificacaoTexto) {
        issues.add(valorPath, messages.tooLong(limits.classificacaoTexto, length));
        return;
      }
    }
    if (chave !== undefined) out.push({ chave, valor });
  });
  return out;
}

/** The cabecalho fields the two bodies share (§2.8, §2.9). */
function readCabecalhoComum(c: JsonObject, path: string, ctx: ParseContext) {
  const { issues } = ctx;
  return {
    remetente: readUnidadeRef(c, 'remetente', path, issues),
    enviarApenasComponentesDigitaisPendentes: readBoolean(
      c,
      'enviarApenasComponentesDigitaisPendentes',
      path,
      issues,
      false,
    ),
    NRE: readNre(c, path, issues),
    urgencia: readBoolean(c, 'urgencia', path, issues, false),
    motivoDaUrgencia: readMotivoDaUrgencia(c, path, ctx),
    propriedadesAdicionais: readPropriedadesAdicionais(c, path, issues) ?? [],
  };
}

function parseCabecalhoDeProcesso(body: JsonObject, ctx: ParseContext): Cabecalho | undefined {
  const c = readObject(body, 'cabecalho', '', ctx.issues, { required: true });
  if (c === undefined) return undefined;
  const { remetente, NRE, motivoDaUrgencia, ...rest } = readCabecalhoComum(c, 'cabecalho', ctx);
  const destinatario = readUnidadeRef(c, 'destinatario', 'cabecalho', ctx.issues);
  if (remetente === undefined || destinatario === undefined) return undefined;
  return {
    remetente,
    destinatario,
    ...rest,
    ...(NRE !== undefined && { NRE }),
    ...(motivoDaUrgencia !== undefined && { motivoDaUrgencia }),
  };
}

/** `destinatarios` (§2.9): at least one, each unit once. */
function readDestinatarios(c: JsonObject, ctx: ParseContext): UnidadeRef[] | undefined {
  const { issues } = ctx;
  const raw = readArray(c, 'destinatarios', 'cabecalho', issues, {
    required: true,
    nonEmpty: 'deve conter ao menos um destinatário',
    max: listLimits.destinatarios,
  });
  if (raw === undefined) return undefined;
  const listPath = 'cabecalho.destinatarios';
  const out: UnidadeRef[] = [];
  // unit key → path of its first occurrence: one lookup per entry, never a scan of the list.
  const firstAt = new Map<string, string>();
  let complete = true;
  raw.forEach((el, i) => {
    const path = indexPath(listPath, i);
    const u = parseUnidadeRef(el, path, issues);
    if (u === undefined) {
      complete = false;
      return;
    }
    // parseUnidadeRef normalises both ids, so equal keys are exactly `sameUnidade` units.
    const key = `${u.identificacaoDoRepositorioDeEstruturas}/${u.numeroDeIdentificacaoDaEstrutura}`;
    const repeated = firstAt.get(key);
    if (repeated !== undefined) {
      issues.add(path, `repete o destinatário de ${repeated}`);
      complete = false;
      return;
    }
    out.push(u);
    firstAt.set(key, path);
  });
  return complete ? out : undefined;
}

function parseCabecalhoDeDocumento(
  body: JsonObject,
  ctx: ParseContext,
): CabecalhoDeDocumento | undefined {
  const c = readObject(body, 'cabecalho', '', ctx.issues, { required: true });
  if (c === undefined) return undefined;
  const { remetente, NRE, motivoDaUrgencia, ...rest } = readCabecalhoComum(c, 'cabecalho', ctx);
  const destinatarios = readDestinatarios(c, ctx);
  if (remetente === undefined || destinatarios === undefined) return undefined;
  return {
    remetente,
    destinatarios,
    ...rest,
    ...(NRE !== undefined && { NRE }),
    ...(motivoDaUrgencia !== undefined && { motivoDaUrgencia }),
  };
}

const newContext = (lists: CodeLists): ParseContext => ({
  issues: new IssueSink(),
  lists,
  protocolos: new Map(),
  counts: { componentes: 0, apensados: 0 },
});

/**
 * Validates the body of `POST tramites/processo` (§2.8): shapes, required fields, §8.1 limits,
 * code lists, document and component ordens. On failure, every issue found (at most 50), in body
 * order, ready for `validationFailed`.
 *
 * @example
 * const r = parseIniciarTramiteProcesso(JSON.parse(text), lists);
 * if (!r.ok) throw validationFailed(r.error);
 */
export function parseIniciarTramiteProcesso(
  body: unknown,
  lists: CodeLists,
): Result<IniciarTramiteProcesso, ValidationIssue[]> {
  if (!isObject(body)) return err([{ path: '', message: BODY_NOT_OBJECT }]);
  const ctx = newContext(lists);
  const cabecalho = parseCabecalhoDeProcesso(body, ctx);
  let processo;
  if (field(body, 'processo') === undefined) ctx.issues.add('processo', messages.required);
  else processo = parseProcesso(field(body, 'processo'), 'processo', ctx);
  if (!ctx.issues.empty || cabecalho === undefined || processo === undefined)
    return err(ctx.issues.list());
  return ok({ cabecalho, processo });
}

/**
 * Validates the body of `POST tramites/documento` (§2.9): a documento avulso for one or more
 * destinatários, with the same rules as a document of a process.
 */
export function parseIniciarTramiteDocumento(
  body: unknown,
  lists: CodeLists,
): Result<IniciarTramiteDocumento, ValidationIssue[]> {
  if (!isObject(body)) return err([{ path: '', message: BODY_NOT_OBJECT }]);
  const ctx = newContext(lists);
  const cabecalho = parseCabecalhoDeDocumento(body, ctx);
  let documento;
  if (field(body, 'documento') === undefined) ctx.issues.add('documento', messages.required);
  else documento = parseDocumento(field(body, 'documento'), 'documento', ctx);
  if (!ctx.issues.empty || cabecalho === undefined || documento === undefined)
    return err(ctx.issues.list());
  return ok({ cabecalho, documento });
}
