/**
 * Validation of the package metadata: Processo (§3.1), Documento (§3.2), ComponenteDigital
 * (§3.3). Fields marked "yes" in §3 are required; fields marked "SEI" are optional but checked
 * when present; unknown fields are dropped (§1.5.4).
 */
import { fieldPath, indexPath, type IssueSink } from './issues.ts';
import {
  ALGORITMO_DO_HASH,
  limits,
  listLimits,
  MAX_APENSADO_DEPTH,
  MIME_TYPES,
  NIVEIS_DE_SIGILO,
  SHA256_BASE64,
  TIPOS_DE_CONTEUDO,
  TIPOS_DE_PRODUTOR,
} from './limits.ts';
import {
  defined,
  field,
  isObject,
  messages,
  readArray,
  readBoolean,
  readDateTime,
  readInteger,
  readObject,
  readString,
  readText,
  type JsonObject,
} from './readers.ts';
import type {
  CodeLists,
  ComponenteDigital,
  Documento,
  Especie,
  Hash,
  HipoteseLegalRef,
  IdentificacaoDoDocumento,
  Interessado,
  ItemHistorico,
  Processo,
  Produtor,
  ProdutorDoProcesso,
  UnidadeProdutora,
} from './types.ts';

export interface ParseContext {
  issues: IssueSink;
  lists: CodeLists;
  /** protocolo → path of the process that carries it, to refuse a process apensado twice. */
  protocolos: Map<string, string>;
  /** Components and apensados seen so far in the whole package (listLimits). */
  counts: { componentes: number; apensados: number };
}

const allDefined = <T>(xs: (T | undefined)[]): xs is T[] => xs.every((x) => x !== undefined);

const oneOf = (values: readonly string[]): string => {
  const quoted = values.map((v) => `"${v}"`);
  return `${quoted.slice(0, -1).join(', ')} ou ${quoted[quoted.length - 1]}`;
};

function readEnum(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  values: readonly string[],
): string | undefined {
  const v = field(obj, key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' && values.includes(v)) return v;
  issues.add(fieldPath(parent, key), `deve ser ${oneOf(values)}`);
  return undefined;
}

/**
 * `"1"` público, `"2"` restrito, `"3"` sigiloso (§3.1, §3.2). A JSON number 1–3 is taken as its
 * string: the meaning is unambiguous and the type slip would cost the sender a whole trâmite.
 */
function readNivelDeSigilo(obj: JsonObject, parent: string, issues: IssueSink): string | undefined {
  const path = fieldPath(parent, 'nivelDeSigilo');
  const v = field(obj, 'nivelDeSigilo');
  if (v === undefined) {
    issues.add(path, messages.required);
    return undefined;
  }
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s === 'string' && NIVEIS_DE_SIGILO.includes(s)) return s;
  issues.add(path, 'deve ser "1" (público), "2" (restrito) ou "3" (sigiloso)');
  return undefined;
}

/**
 * `hipoteseLegal` (§3.1, §3.2), checked against the federation list (§2.6) when present. SEI
 * writes `{"identificacao": null}` when the local hipótese has no mapping to the bus
 * (mod-sei-pen `PenRelHipoteseLegalEnvioRN::getIdHipoteseLegalPEN`); that reads as "not given",
 * and the receiver applies its default hipótese (§8.6), as it does when the field is absent.
 * §3.1 only says the field SHOULD accompany `"2"`, so its absence is not refused.
 */
function readHipoteseLegal(
  obj: JsonObject,
  parent: string,
  ctx: ParseContext,
): HipoteseLegalRef | undefined {
  const h = readObject(obj, 'hipoteseLegal', parent, ctx.issues);
  if (h === undefined) return undefined;
  const path = fieldPath(fieldPath(parent, 'hipoteseLegal'), 'identificacao');
  const id = field(h, 'identificacao');
  if (id === undefined) return undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    ctx.issues.add(path, 'deve ser o número inteiro de uma hipótese legal');
    return undefined;
  }
  if (!ctx.lists.hipotesesLegais.has(id)) {
    ctx.issues.add(
      path,
      `deve ser uma hipótese legal válida (${id} não consta da lista do barramento)`,
    );
    return undefined;
  }
  return { identificacao: id };
}

function readUnidadeProdutora(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): UnidadeProdutora | undefined {
  const u = readObject(obj, 'unidade', parent, issues);
  if (u === undefined) return undefined;
  const path = fieldPath(parent, 'unidade');
  return defined({
    nome: readString(u, 'nome', path, issues, { max: limits.nome }),
    tipo: readEnum(u, 'tipo', path, issues, TIPOS_DE_PRODUTOR),
  });
}

/** Produtor (§3.1): `nome` ≤ 150; required for the process, optional for a document (§3.2). */
function readProdutorFields(p: JsonObject, path: string, issues: IssueSink, nomeRequired: boolean) {
  return {
    nome: readString(p, 'nome', path, issues, {
      required: nomeRequired,
      nonEmpty: nomeRequired,
      max: limits.nome,
    }),
    tipo: readEnum(p, 'tipo', path, issues, TIPOS_DE_PRODUTOR),
    numeroDeIdentificacao: readText(p, 'numeroDeIdentificacao', path, issues),
    unidade: readUnidadeProdutora(p, path, issues),
  };
}

function readProdutorDoProcesso(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): ProdutorDoProcesso | undefined {
  const p = readObject(obj, 'produtor', parent, issues, { required: true });
  if (p === undefined) return undefined;
  const { nome, ...rest } = readProdutorFields(p, fieldPath(parent, 'produtor'), issues, true);
  return nome === undefined ? undefined : defined({ nome, ...rest });
}

function readProdutorDoDocumento(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): Produtor | undefined {
  const p = readObject(obj, 'produtor', parent, issues);
  if (p === undefined) return undefined;
  return defined(readProdutorFields(p, fieldPath(parent, 'produtor'), issues, false));
}

function readInteressados(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): Interessado[] | undefined {
  const raw = readArray(obj, 'interessados', parent, issues, { max: listLimits.interessados });
  if (raw === undefined) return undefined;
  const listPath = fieldPath(parent, 'interessados');
  const out = raw.map((el, i): Interessado | undefined => {
    const path = indexPath(listPath, i);
    if (!isObject(el)) {
      issues.add(path, messages.object);
      return undefined;
    }
    const nome = readString(el, 'nome', path, issues, {
      required: true,
      nonEmpty: true,
      max: limits.nome,
    });
    const numeroDeIdentificacao = readText(el, 'numeroDeIdentificacao', path, issues);
    return nome === undefined ? undefined : defined({ nome, numeroDeIdentificacao });
  });
  return allDefined(out) ? out : undefined;
}

/** `itensHistorico` (§3.1): every field optional; `operacao` ≤ 1000 (§8.1). */
function readItensHistorico(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): ItemHistorico[] | undefined {
  const raw = readArray(obj, 'itensHistorico', parent, issues);
  if (raw === undefined) return undefined;
  const listPath = fieldPath(parent, 'itensHistorico');
  const out = raw.map((el, i): ItemHistorico | undefined => {
    const path = indexPath(listPath, i);
    if (!isObject(el)) {
      issues.add(path, messages.object);
      return undefined;
    }
    return defined({
      dataHoraOperacao: readDateTime(el, 'dataHoraOperacao', path, issues),
      unidadeOperacao: readString(el, 'unidadeOperacao', path, issues),
      operacao: readString(el, 'operacao', path, issues, { max: limits.operacao }),
      usuario: readString(el, 'usuario', path, issues),
    });
  });
  return allDefined(out) ? out : undefined;
}

/** `especie` (§3.2): `codigo` from the federation list (§2.5), `nomeNoProdutor` non-empty. The
 * messages are the reference texts of §8.4 `0001`. */
function readEspecie(obj: JsonObject, parent: string, ctx: ParseContext): Especie | undefined {
  const e = readObject(obj, 'especie', parent, ctx.issues, { required: true });
  if (e === undefined) return undefined;
  const path = fieldPath(parent, 'especie');
  let codigo: number | undefined;
  const c = field(e, 'codigo');
  if (c === undefined) ctx.issues.add(fieldPath(path, 'codigo'), messages.required);
  else if (typeof c === 'number' && ctx.lists.especies.has(c)) codigo = c;
  else ctx.issues.add(fieldPath(path, 'codigo'), 'deve ser um código de espécie válido');
  const nomeNoProdutor = readString(e, 'nomeNoProdutor', path, ctx.issues, {
    required: true,
    nonEmpty: true,
  });
  return codigo === undefined || nomeNoProdutor === undefined
    ? undefined
    : { codigo, nomeNoProdutor };
}

function readIdentificacao(
  obj: JsonObject,
  parent: string,
  issues: IssueSink,
): IdentificacaoDoDocumento | undefined {
  const o = readObject(obj, 'identificacao', parent, issues);
  if (o === undefined) return undefined;
  const path = fieldPath(parent, 'identificacao');
  const numberOrText = (key: string): number | string | undefined => {
    const v = field(o, key);
    if (v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
      return v;
    issues.add(fieldPath(path, key), 'deve ser um número ou um texto');
    return undefined;
  };
  return defined({
    numero: numberOrText('numero'),
    siglaDaUnidadeProdutora: readString(o, 'siglaDaUnidadeProdutora', path, issues),
    complemento: readString(o, 'complemento', path, issues, { max: limits.complemento }),
    ano: numberOrText('ano'),
  });
}

/** `hash` of a component (§3.3): SHA-256, base64 of 32 bytes (44 characters, §8.1). */
function readHash(obj: JsonObject, parent: string, issues: IssueSink): Hash | undefined {
  const h = readObject(obj, 'hash', parent, issues, { required: true });
  if (h === undefined) return undefined;
  const path = fieldPath(parent, 'hash');
  let algoritmo = readString(h, 'algoritmo', path, issues, { required: true });
  if (algoritmo !== undefined && algoritmo !== ALGORITMO_DO_HASH) {
    issues.add(fieldPath(path, 'algoritmo'), `deve ser "${ALGORITMO_DO_HASH}"`);
    algoritmo = undefined;
  }
  let conteudo = readString(h, 'conteudo', path, issues, { required: true });
  if (conteudo !== undefined && !SHA256_BASE64.test(conteudo)) {
    issues.add(
      fieldPath(path, 'conteudo'),
      'deve ser o SHA-256 do componente em base64 (44 caracteres, terminando em "=")',
    );
    conteudo = undefined;
  }
  return algoritmo === undefined || conteudo === undefined ? undefined : { algoritmo, conteudo };
}

/** ComponenteDigital (§3.3). Components of `retirado` documents get the same shape checks;
 * cross-checks of size and hash against uploaded bytes happen elsewhere (and never for them). */
function parseComponente(
  v: unknown,
  path: string,
  issues: IssueSink,
): ComponenteDigital | undefined {
  if (!isObject(v)) {
    issues.add(path, messages.object);
    return undefined;
  }
  const ordem = readInteger(v, 'ordem', path, issues, { required: true, min: 1 });
  const nome = readString(v, 'nome', path, issues, { required: true, nonEmpty: true });
  const hash = readHash(v, path, issues);
  const tamanhoEmBytes = readInteger(v, 'tamanhoEmBytes', path, issues, {
    required: true,
    min: 0,
  });
  let mimeType = readString(v, 'mimeType', path, issues, {
    required: true,
    nonEmpty: true,
    max: limits.mimeType,
  });
  // MIME types compare case-insensitively (RFC 2045 §5.1); the value is kept as sent.
  if (mimeType !== undefined && !MIME_TYPES.has(mimeType.toLowerCase())) {
    issues.add(
      fieldPath(path, 'mimeType'),
      'deve ser um dos tipos aceitos pelo barramento (como "application/pdf") ou "outro", ' +
        'com o tipo real em dadosComplementaresDoTipoDeArquivo',
    );
    mimeType = undefined;
  }
  const dadosComplementaresDoTipoDeArquivo = readString(
    v,
    'dadosComplementaresDoTipoDeArquivo',
    path,
    issues,
  );
  let tipoDeConteudo = readString(v, 'tipoDeConteudo', path, issues, { required: true });
  if (tipoDeConteudo !== undefined && !TIPOS_DE_CONTEUDO.includes(tipoDeConteudo)) {
    issues.add(fieldPath(path, 'tipoDeConteudo'), `deve ser ${oneOf(TIPOS_DE_CONTEUDO)}`);
    tipoDeConteudo = undefined;
  }
  // Signatures are relayed unchanged and never validated (§3.4).
  const assinaturasDigitais = readArray(v, 'assinaturasDigitais', path, issues);

  if (
    ordem === undefined ||
    nome === undefined ||
    hash === undefined ||
    tamanhoEmBytes === undefined ||
    mimeType === undefined ||
    tipoDeConteudo === undefined
  )
    return undefined;
  return defined({
    ordem,
    nome,
    hash,
    tamanhoEmBytes,
    mimeType,
    dadosComplementaresDoTipoDeArquivo,
    tipoDeConteudo,
    assinaturasDigitais,
  });
}

/** The `ordem` of an array element when it is a valid one, to label paths (§8.4). */
function peekOrdem(el: unknown): number | undefined {
  if (!isObject(el)) return undefined;
  const o = field(el, 'ordem');
  return typeof o === 'number' && Number.isSafeInteger(o) && o >= 1 ? o : undefined;
}

const MAX_LISTED_GAPS = 10;

/**
 * `ordem` values of a list must be unique and cover 1..n (§3.2 "unique, contiguous 1..n",
 * §3.3 "1-based within the document"). Each repeat is reported where it occurs; gaps are
 * reported on the list. Gaps are computed only when every element has a valid ordem, so an
 * invalid ordem does not also produce a misleading gap.
 */
function checkOrdens(
  elements: { ordem: number | undefined; path: string }[],
  listPath: string,
  issues: IssueSink,
): void {
  const seen = new Map<number, string>();
  let complete = true;
  for (const { ordem, path } of elements) {
    if (ordem === undefined) {
      complete = false;
      continue;
    }
    const first = seen.get(ordem);
    if (first === undefined) seen.set(ordem, path);
    else issues.add(fieldPath(path, 'ordem'), `repete a ordem ${ordem}, já usada em ${first}`);
  }
  if (!complete) return;
  const n = elements.length;
  const gaps: number[] = [];
  for (let k = 1; k <= n; k += 1) if (!seen.has(k)) gaps.push(k);
  if (gaps.length === 0) return;
  const shown = gaps.slice(0, MAX_LISTED_GAPS).join(', ');
  const more = gaps.length > MAX_LISTED_GAPS ? `, … (${gaps.length} ao todo)` : '';
  const missing = gaps.length === 1 ? 'falta a ordem' : 'faltam as ordens';
  issues.add(listPath, `deve ter ordens contíguas de 1 a ${n}; ${missing} ${shown}${more}`);
}

/** Documento (§3.2), at `path` (already labelled with its ordem). */
export function parseDocumento(v: unknown, path: string, ctx: ParseContext): Documento | undefined {
  const { issues } = ctx;
  if (!isObject(v)) {
    issues.add(path, messages.object);
    return undefined;
  }
  const ordem = readInteger(v, 'ordem', path, issues, { required: true, min: 1 });
  const descricao = readString(v, 'descricao', path, issues, { max: limits.descricao });
  const retirado = readBoolean(v, 'retirado', path, issues, false);
  const nivelDeSigilo = readNivelDeSigilo(v, path, issues);
  const hipoteseLegal = readHipoteseLegal(v, path, ctx);
  const dataHoraDeProducao = readDateTime(v, 'dataHoraDeProducao', path, issues);
  const dataHoraDeRegistro = readDateTime(v, 'dataHoraDeRegistro', path, issues);
  const produtor = readProdutorDoDocumento(v, path, issues);
  const especie = readEspecie(v, path, ctx);
  const identificacao = readIdentificacao(v, path, issues);
  const protocoloDoProcessoAnexado = readString(v, 'protocoloDoProcessoAnexado', path, issues, {
    nonEmpty: true,
    max: limits.protocolo,
  });
  const ordemDoDocumentoReferenciado = readInteger(
    v,
    'ordemDoDocumentoReferenciado',
    path,
    issues,
    {
      min: 1,
    },
  );
  const protocolo = readString(v, 'protocolo', path, issues, { max: limits.protocolo });

  const listPath = fieldPath(path, 'componentesDigitais');
  const raw = readArray(v, 'componentesDigitais', path, issues, {
    required: true,
    nonEmpty: 'deve conter ao menos um componente digital',
    max: listLimits.componentesPorDocumento,
  });
  let componentesDigitais: ComponenteDigital[] | undefined;
  const before = ctx.counts.componentes;
  if (raw !== undefined) ctx.counts.componentes += raw.length;
  if (raw !== undefined && ctx.counts.componentes > listLimits.componentesNoPacote) {
    // Reported once, on the list that crosses the bound; later lists are not read either.
    if (before <= listLimits.componentesNoPacote)
      issues.add(
        listPath,
        `ultrapassa o limite de ${listLimits.componentesNoPacote} componentes digitais no pacote (processo e apensados); esse é o limite do barramento`,
      );
  } else if (raw !== undefined) {
    const paths = raw.map((_, j) => indexPath(listPath, j));
    const parsed = raw.map((el, j) => parseComponente(el, paths[j] as string, issues));
    checkOrdens(
      raw.map((el, j) => ({ ordem: peekOrdem(el), path: paths[j] as string })),
      listPath,
      issues,
    );
    if (allDefined(parsed)) componentesDigitais = parsed;
  }

  if (
    ordem === undefined ||
    nivelDeSigilo === undefined ||
    especie === undefined ||
    componentesDigitais === undefined
  )
    return undefined;
  return defined({
    ordem,
    descricao,
    retirado,
    nivelDeSigilo,
    hipoteseLegal,
    dataHoraDeProducao,
    dataHoraDeRegistro,
    produtor,
    especie,
    identificacao,
    protocoloDoProcessoAnexado,
    ordemDoDocumentoReferenciado,
    componentesDigitais,
    protocolo,
  });
}

/**
 * Processo (§3.1) at `path`, with its apensados (§6.2), each validated as a process of its own:
 * document ordens are numbered per process.
 */
export function parseProcesso(
  v: unknown,
  path: string,
  ctx: ParseContext,
  depth = 0,
): Processo | undefined {
  const { issues } = ctx;
  if (!isObject(v)) {
    issues.add(path, messages.object);
    return undefined;
  }
  const protocolo = readString(v, 'protocolo', path, issues, {
    required: true,
    nonEmpty: true,
    max: limits.protocolo,
  });
  if (protocolo !== undefined) {
    // Apensados are keyed by protocolo (§2.8 response, §6): one process cannot appear twice.
    const first = ctx.protocolos.get(protocolo);
    if (first === undefined) ctx.protocolos.set(protocolo, path);
    else
      issues.add(
        fieldPath(path, 'protocolo'),
        `repete o protocolo ${protocolo}, já usado em ${first}`,
      );
  }
  const nivelDeSigilo = readNivelDeSigilo(v, path, issues);
  const hipoteseLegal = readHipoteseLegal(v, path, ctx);
  const processoDeNegocio = readString(v, 'processoDeNegocio', path, issues, {
    max: limits.processoDeNegocio,
  });
  const descricao = readString(v, 'descricao', path, issues, { max: limits.descricao });
  const dataHoraDeProducao = readDateTime(v, 'dataHoraDeProducao', path, issues, {
    required: true,
  });
  const dataHoraDeRegistro = readDateTime(v, 'dataHoraDeRegistro', path, issues);
  const produtor = readProdutorDoProcesso(v, path, issues);
  const interessados = readInteressados(v, path, issues);

  const docsPath = fieldPath(path, 'documentos');
  const rawDocs = readArray(v, 'documentos', path, issues, {
    required: true,
    nonEmpty: 'deve conter ao menos um documento',
    max: listLimits.documentos,
  });
  let documentos: Documento[] | undefined;
  if (rawDocs !== undefined) {
    const paths = rawDocs.map((el, i) => indexPath(docsPath, i, peekOrdem(el)));
    const parsed = rawDocs.map((el, i) => parseDocumento(el, paths[i] as string, ctx));
    checkOrdens(
      rawDocs.map((el, i) => ({ ordem: peekOrdem(el), path: paths[i] as string })),
      docsPath,
      issues,
    );
    if (allDefined(parsed)) documentos = parsed;
  }

  const apensadosPath = fieldPath(path, 'processoApensado');
  const rawApensados = readArray(v, 'processoApensado', path, issues) ?? [];
  let processoApensado: Processo[] | undefined;
  const apensadosBefore = ctx.counts.apensados;
  ctx.counts.apensados += rawApensados.length;
  if (rawApensados.length > 0 && depth >= MAX_APENSADO_DEPTH) {
    issues.add(apensadosPath, `excede o limite de ${MAX_APENSADO_DEPTH} níveis de apensação`);
  } else if (ctx.counts.apensados > listLimits.apensadosNoPacote) {
    if (apensadosBefore <= listLimits.apensadosNoPacote)
      issues.add(
        apensadosPath,
        `ultrapassa o limite de ${listLimits.apensadosNoPacote} processos apensados no pacote (todos os níveis); esse é o limite do barramento`,
      );
  } else {
    const parsed = rawApensados.map((el, i) =>
      parseProcesso(el, indexPath(apensadosPath, i), ctx, depth + 1),
    );
    if (allDefined(parsed)) processoApensado = parsed;
  }

  const itensHistorico = readItensHistorico(v, path, issues);
  const observacao = readString(v, 'observacao', path, issues);

  if (
    protocolo === undefined ||
    nivelDeSigilo === undefined ||
    dataHoraDeProducao === undefined ||
    produtor === undefined ||
    documentos === undefined ||
    processoApensado === undefined
  )
    return undefined;
  return defined({
    protocolo,
    nivelDeSigilo,
    hipoteseLegal,
    processoDeNegocio,
    descricao,
    dataHoraDeProducao,
    dataHoraDeRegistro,
    produtor,
    interessados,
    documentos,
    processoApensado,
    itensHistorico,
    observacao,
  });
}
