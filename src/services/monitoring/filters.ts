import { clip } from '../../domain/bounded-text.ts';
import { isSituacao, type Situacao } from '../../domain/situacao.ts';
import { validationFailed } from '../../domain/tramita/index.ts';

/** A refusal of one filter: `0001`, naming the filter and what it must be (spec §8.4). */
export const badFilter = (name: string, problem: string) => validationFailed({ path: name, message: problem }, { issues: [{ path: name, message: problem }] });

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

/** Filters of `search` (README "Monitorando"), already checked. */
export interface TramiteFilter {
  idt?: number;
  nre?: string;
  protocolo?: string;
  /** A participant, by id or CNPJ: trâmites where one of its systems is sender or recipient. */
  participante?: string;
  /** A unit, sender or recipient: its número and, optionally, its repository. */
  estrutura?: { numero: string; repositorio?: number };
  situacao?: Situacao[];
  /** Started at or after (ISO 8601). */
  de?: string;
  /** Started before (ISO 8601; a date alone means the end of that day). */
  ate?: string;
  /** `proximo` of the previous page. */
  cursor?: string;
  limite?: number;
}

export interface Period {
  de: string;
  ate: string;
}

type Query = Record<string, string | undefined>;
const given = (v: string | undefined): v is string => v !== undefined && v !== '';

export function positiveInt(v: string, name: string): number {
  if (!/^\d{1,16}$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v)))
    throw badFilter(name, `deve ser um número inteiro positivo (recebido: "${clip(v)}")`);
  return Number(v);
}

/**
 * An instant of a filter as the store compares it (ISO 8601 in UTC, milliseconds). A date alone
 * (`2026-03-10`) is the start of that day in UTC, or with `endOfDay` the start of the next one,
 * so that `ate=2026-03-10` includes the whole day.
 */
export function instant(v: string, name: string, endOfDay = false): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const ok = dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v);
  const t = ok ? new Date(dateOnly ? `${v}T00:00:00Z` : v).getTime() : NaN;
  if (Number.isNaN(t)) throw badFilter(name, `deve ser uma data (AAAA-MM-DD) ou data e hora ISO 8601 com fuso, p. ex. 2026-03-10T14:00:00-03:00 (recebido: "${clip(v)}")`);
  return new Date(dateOnly && endOfDay ? t + 86_400_000 : t).toISOString();
}

export function limit(v: string | undefined, name = 'limite'): number {
  if (!given(v)) return DEFAULT_PAGE;
  const n = positiveInt(v, name);
  if (n > MAX_PAGE) throw badFilter(name, `deve ser no máximo ${MAX_PAGE} (recebido: ${n})`);
  return n;
}

/** The query string of `GET /admin/api/tramites`, checked: a `0001` names the first bad filter. */
export function parseTramiteFilter(q: Query): TramiteFilter {
  const f: TramiteFilter = {};
  if (given(q.IDT)) f.idt = positiveInt(q.IDT, 'IDT');
  if (given(q.NRE)) {
    if (!/^\d{16}$/.test(q.NRE)) throw badFilter('NRE', `deve ter 16 dígitos (recebido: "${clip(q.NRE)}")`);
    f.nre = q.NRE;
  }
  if (given(q.protocolo)) {
    if (q.protocolo.length > 50) throw badFilter('protocolo', 'deve ter no máximo 50 caracteres (spec §3.1)');
    f.protocolo = q.protocolo;
  }
  if (given(q.participante)) {
    if (q.participante.length > 64) throw badFilter('participante', 'deve ser o identificador ou o CNPJ de um participante');
    f.participante = q.participante;
  }
  if (given(q.estrutura)) {
    const m = /^(?:(\d{1,12})\/)?(\d{1,19})$/.exec(q.estrutura);
    if (!m) throw badFilter('estrutura', `deve ser o número da unidade, ou repositório/número (p. ex. 100/1002) (recebido: "${clip(q.estrutura)}")`);
    f.estrutura = { numero: BigInt(m[2]!).toString(), ...(m[1] ? { repositorio: Number(m[1]) } : {}) };
  }
  if (given(q.situacao)) {
    const list = q.situacao.split(',').map((s) => s.trim());
    const bad = list.find((s) => !/^\d{1,2}$/.test(s) || !isSituacao(Number(s)));
    if (bad !== undefined) throw badFilter('situacao', `deve ser uma situação de 1 a 10, ou várias separadas por vírgula (recebido: "${clip(bad)}")`);
    f.situacao = [...new Set(list.map(Number) as Situacao[])];
  }
  if (given(q.de)) f.de = instant(q.de, 'de');
  if (given(q.ate)) f.ate = instant(q.ate, 'ate', true);
  if (f.de && f.ate && f.de >= f.ate) throw badFilter('ate', `deve ser depois de "de" (${f.de})`);
  if (given(q.cursor)) f.cursor = String(positiveInt(q.cursor, 'cursor'));
  f.limite = limit(q.limite);
  return f;
}

/** A period (`de` required, `ate` by default now), at most `maxDays` long. */
export function parsePeriod(q: Query, now: Date, maxDays = 366): Period {
  if (!given(q.de)) throw badFilter('de', 'é obrigatório: o início do período (AAAA-MM-DD ou data e hora ISO 8601)');
  const de = instant(q.de, 'de');
  const ate = given(q.ate) ? instant(q.ate, 'ate', true) : now.toISOString();
  if (de >= ate) throw badFilter('ate', `deve ser depois de "de" (${de})`);
  if (new Date(ate).getTime() - new Date(de).getTime() > maxDays * 86_400_000) throw badFilter('ate', `o período deve ter no máximo ${maxDays} dias`);
  return { de, ate };
}
