/**
 * Everything the hub computes from the bytes of a start body (`POST tramites/processo`, spec
 * §2.8; `POST tramites/documento`, §2.9) before it touches the store: shape bounds, UTF-8,
 * JSON, validation, the unknown-field bound, the component plan and where the package lies in
 * the bytes. Pure, so that the runtime can run it off the event loop (a 50 MB body costs some
 * seconds of CPU) and hand back only the small result the start needs.
 */
import type { CodeListsData } from '../codelists.ts';
import { jsonSyntaxProblem } from '../json-syntax.ts';
import { packPlan, planComponents, type ComponentPlan, type PackedPlan } from '../component-plan.ts';
import { memberSpans, type Span } from '../json-members.ts';
import type { DocumentoOutline, ProcessoOutline } from '../nre-rules.ts';
import { listComponents, listDocumentComponents, type ComponentRef } from './components.ts';
import { parseIniciarTramiteDocumento, parseIniciarTramiteProcesso } from './iniciar-tramite.ts';
import { formatValidationIssues, type ValidationIssue } from './issues.ts';
import { jsonShapeLimits, MAX_UNKNOWN_FIELD_CHARS } from './limits.ts';
import { scanJsonShape } from './json-shape.ts';
import type { Cabecalho, CabecalhoDeDocumento, CodeLists, Documento, Processo } from './types.ts';
import { startBodyShapes, unknownFieldChars } from './unknown-fields.ts';

export type StartKind = 'processo' | 'documento';

/**
 * Bodies up to this size are analysed where they arrive: at most some milliseconds of work
 * (256 KB of the costliest JSON, `[{},{},…]`, parses in about 15 ms). Larger ones go to the
 * runtime's analyser, off the event loop.
 */
export const INLINE_START_BODY_BYTES = 262_144;

interface Located {
  /** Where `processo`/`documento` lies in the body (relayed from these bytes). */
  packageSpan: Span | null;
  /** Where the cabecalho's `propriedadesAdicionais` lie (relayed from these bytes). */
  propsSpan: Span | null;
  /** What to request and relay (spec §2.8, §6.2), packed to cross threads cheaply. */
  plan: PackedPlan;
  /** The largest component declared (not retirado), where it is, for the hub's size limit. */
  largestComponent: { path: string; tamanhoEmBytes: number } | null;
}

function largestOf(refs: ComponentRef[]): Located['largestComponent'] {
  let largest: ComponentRef | null = null;
  for (const r of refs) if (!r.retirado && (!largest || r.tamanhoEmBytes > largest.tamanhoEmBytes)) largest = r;
  return largest && { path: largest.path, tamanhoEmBytes: largest.tamanhoEmBytes };
}

/** The cabecalho without `propriedadesAdicionais`: those travel as bytes, never as values. */
export type CabecalhoSummary<C> = Omit<C, 'propriedadesAdicionais'>;

export type StartBodyAnalysis =
  | ({
      ok: true;
      kind: 'processo';
      cabecalho: CabecalhoSummary<Cabecalho>;
      protocolo: string;
      /** JSON of the ProcessoOutline: read only when the NRE rules need it (spec §6.1). */
      processoOutline: string;
    } & Located)
  | ({
      ok: true;
      kind: 'documento';
      cabecalho: CabecalhoSummary<CabecalhoDeDocumento>;
      documento: { ordem: number; protocolo?: string };
    } & Located)
  | {
      ok: false;
      code: 'malformed_json' | 'validation_failed';
      mensagem: string;
      issues?: ValidationIssue[];
      conflicts?: ComponentPlan['conflicts'];
    };

/**
 * Analyses a start body in the runtime's choice of thread; the port the start service uses. The
 * code lists come with each body, at their version: a thread that holds that version already
 * need not receive them again (the lists change at runtime: services/code-lists.ts).
 */
export type StartBodyAnalyser = (
  raw: Uint8Array,
  kind: StartKind,
  lists: { version: number; data: CodeListsData },
) => Promise<{ raw: Uint8Array; analysis: StartBodyAnalysis }>;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

const invalid = (issues: ValidationIssue[]): StartBodyAnalysis => ({
  ok: false,
  code: 'validation_failed',
  mensagem: formatValidationIssues(issues),
  issues,
});

const malformed = (mensagem: string): StartBodyAnalysis => ({ ok: false, code: 'malformed_json', mensagem });

const formatCount = (n: number) => n.toLocaleString('pt-BR');

/** The parts of a process the NRE rules (spec §6.1) and preflight's recipient checks need; signatures, names and texts stay out. */
function outlineDocumento(d: Documento): DocumentoOutline {
  return {
    ordem: d.ordem,
    especie: { codigo: d.especie.codigo },
    retirado: d.retirado,
    ...(d.protocoloDoProcessoAnexado !== undefined && { protocoloDoProcessoAnexado: d.protocoloDoProcessoAnexado }),
    ...(d.hipoteseLegal && { hipoteseLegal: { identificacao: d.hipoteseLegal.identificacao } }),
    componentesDigitais: d.componentesDigitais.map((c) => ({
      ordem: c.ordem,
      hash: { conteudo: c.hash.conteudo },
      tamanhoEmBytes: c.tamanhoEmBytes,
      mimeType: c.mimeType,
      ...(c.dadosComplementaresDoTipoDeArquivo !== undefined && { dadosComplementaresDoTipoDeArquivo: c.dadosComplementaresDoTipoDeArquivo }),
    })),
  };
}

export function outlineProcesso(p: Processo): ProcessoOutline {
  return {
    protocolo: p.protocolo,
    ...(p.hipoteseLegal && { hipoteseLegal: { identificacao: p.hipoteseLegal.identificacao } }),
    documentos: p.documentos.map(outlineDocumento),
    processoApensado: p.processoApensado.map(outlineProcesso),
  };
}

function spansOf(raw: Uint8Array, kind: StartKind): { packageSpan: Span | null; propsSpan: Span | null } {
  const top = memberSpans(raw);
  const cabecalho = top.get('cabecalho');
  return { packageSpan: top.get(kind) ?? null, propsSpan: (cabecalho && memberSpans(raw, cabecalho).get('propriedadesAdicionais')) ?? null };
}

/** The plan, or the refusal of a package that gives one hash two sizes (it contradicts itself). */
function packedOrConflict(plan: ComponentPlan): PackedPlan | StartBodyAnalysis {
  const c = plan.conflicts[0];
  const packed = c ? null : packPlan(plan);
  if (packed) return packed;
  const issues = c
    ? [{ path: '', message: `os componentes ${c.paths.join(', ')} têm o mesmo hash (${c.hash}) e tamanhos diferentes (${c.sizes.join(', ')} bytes)` }]
    : [{ path: '', message: 'tem um hash de componente digital inválido' }];
  return { ok: false, code: 'validation_failed', mensagem: formatValidationIssues(issues), issues, conflicts: plan.conflicts };
}

/**
 * Reads a start body from its exact bytes. An empty body is not an object (0001, §8.4).
 *
 * @example
 * const a = analyseStartBody(utf8(JSON.stringify(body)), 'processo', lists);
 * if (!a.ok) throw new EloError(a.code, a.mensagem, { issues: a.issues });
 */
export function analyseStartBody(raw: Uint8Array, kind: StartKind, lists: CodeLists): StartBodyAnalysis {
  // A UTF-8 byte order mark is refused, not skipped. RFC 8259 §8.1: senders MUST NOT add one
  // (SEI's json_encode never does). The body is stored and relayed byte for byte, and every
  // reader of those bytes (the byte spans of the package, the seal, a recipient's parser) would
  // have to skip it alike; one clear refusal keeps them all simple and in agreement.
  if (UTF8_BOM.every((b, i) => raw[i] === b))
    return malformed(
      'O corpo da requisição começa com a marca de ordem de bytes (BOM) do UTF-8, que o JSON transmitido não pode ter (RFC 8259 §8.1). Envie o JSON sem o BOM.',
    );
  const shape = scanJsonShape(raw, jsonShapeLimits);
  const over =
    shape.depth > jsonShapeLimits.depth
      ? `tem mais de ${formatCount(jsonShapeLimits.depth)} níveis de aninhamento`
      : shape.containers > jsonShapeLimits.containers
        ? `tem mais de ${formatCount(jsonShapeLimits.containers)} objetos e listas`
        : shape.values > jsonShapeLimits.values
          ? `tem mais de ${formatCount(jsonShapeLimits.values)} valores JSON`
          : null;
  if (over) return invalid([{ path: '', message: `o corpo da requisição ${over}; esse é o limite do barramento` }]);

  let body: unknown;
  if (raw.byteLength > 0) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return malformed('O corpo da requisição não está em UTF-8 válido. Envie o JSON codificado em UTF-8.');
    }
    try {
      body = JSON.parse(text);
    } catch (e) {
      return malformed(
        `O corpo da requisição não é um JSON válido (${jsonSyntaxProblem(e)}). Corrija o JSON e envie de novo.`,
      );
    }
  }

  const unknown = unknownFieldChars(body, startBodyShapes[kind], MAX_UNKNOWN_FIELD_CHARS);
  if (unknown.chars > MAX_UNKNOWN_FIELD_CHARS)
    return invalid([
      {
        path: '',
        message: `o corpo da requisição tem mais de ${formatCount(MAX_UNKNOWN_FIELD_CHARS)} caracteres em campos que o protocolo não define (o maior é ${unknown.largestPath}); esse é o limite do barramento. Retire os campos extras`,
      },
    ]);

  if (kind === 'processo') {
    const parsed = parseIniciarTramiteProcesso(body, lists);
    if (!parsed.ok) return invalid(parsed.error);
    const { propriedadesAdicionais: _, ...cabecalho } = parsed.value.cabecalho;
    const { processo } = parsed.value;
    const refs = listComponents(processo);
    const plan = packedOrConflict(planComponents(refs));
    if ('ok' in plan) return plan;
    return {
      ok: true,
      kind,
      cabecalho,
      protocolo: processo.protocolo,
      processoOutline: JSON.stringify(outlineProcesso(processo)),
      plan,
      largestComponent: largestOf(refs),
      ...spansOf(raw, kind),
    };
  }
  const parsed = parseIniciarTramiteDocumento(body, lists);
  if (!parsed.ok) return invalid(parsed.error);
  const { propriedadesAdicionais: _, ...cabecalho } = parsed.value.cabecalho;
  const { documento } = parsed.value;
  const protocolo = documento.protocolo ?? `avulso-${documento.ordem}`;
  const refs = listDocumentComponents(documento, protocolo);
  const plan = packedOrConflict(planComponents(refs));
  if ('ok' in plan) return plan;
  return {
    ok: true,
    kind,
    cabecalho,
    documento: { ordem: documento.ordem, ...(documento.protocolo !== undefined && { protocolo: documento.protocolo }) },
    plan,
    largestComponent: largestOf(refs),
    ...spansOf(raw, kind),
  };
}
