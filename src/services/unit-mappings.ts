import { parse } from 'csv-parse/sync';
import { EloError } from '../domain/errors.ts';
import { unitLabel, type Structure, type UnitKey } from '../domain/registry.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import type { LocalUnit } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';
import { decodeText } from './structures-import/decode-text.ts';

/** Case-, accent- and punctuation-insensitive form of a name, for comparing. */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The set of character trigrams of a folded text (with word edges), as pg_trgm counts them. */
function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of fold(text).split(' ').filter(Boolean)) {
    const w = `  ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return out;
}

/** Shared trigrams ÷ all trigrams of both (0 to 1), the similarity pg_trgm's `similarity` uses. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

const MIN_SCORE = 0.3;
const MAX_UNITS = 100_000;

/**
 * A system's own units (the codes its SEI or other system uses) and their one-to-one mapping to
 * federation structures (README "Mapeamento de unidades"): imported from the system's list,
 * matched by suggestion (accent-insensitive similarity of name and sigla, within the system's
 * participant's structures) for an administrator to confirm, with history, coverage and export.
 */
export function unitMappingService(deps: Pick<ServiceDeps, 'store' | 'clock'>) {
  const { registry, mappings } = deps.store;

  async function systemOf(systemId: string) {
    const system = await registry.getSystem(systemId);
    if (!system) throw new EloError('not_found', `Sistema "${systemId}" não encontrado. Veja os sistemas com "elo system list".`);
    return system;
  }

  /** The participant's structures in the repositories the system is bound to: where its units may map. */
  async function candidates(systemId: string): Promise<Structure[]> {
    const system = await systemOf(systemId);
    const repos = [...new Set((await registry.listBindings(systemId)).map((b) => b.repositoryId))];
    const out: Structure[] = [];
    for (const r of repos) out.push(...(await registry.participantStructures(r, system.participantId)).structures);
    return out;
  }

  return {
    /** The system's list of units: CSV `codigo;nome;sigla` (`;` or `,`, UTF-8 or Windows-1252) or JSON; whole or nothing. */
    async importLocalUnits(systemId: string, bytes: Uint8Array, actor: string): Promise<{ created: number; updated: number; total: number }> {
      await systemOf(systemId);
      const decoded = decodeText(bytes);
      if (!decoded.ok) throw validationFailed({ path: 'arquivo', message: decoded.message });
      const text = decoded.text.replace(/^\uFEFF/, '');
      let rows: Record<string, unknown>[];
      if (/^\s*[[{]/.test(text)) {
        const v = JSON.parse(text) as unknown;
        rows = (Array.isArray(v) ? v : (v as { unidades?: unknown[] }).unidades ?? []) as Record<string, unknown>[];
      } else {
        const delimiter = (text.split('\n')[0]!.match(/,/g)?.length ?? 0) > (text.split('\n')[0]!.match(/;/g)?.length ?? 0) ? ',' : ';';
        rows = parse(text, { delimiter, columns: (h: string[]) => h.map((x) => fold(x).replace(/ /g, '')), skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
      }
      const problems: { path: string; message: string }[] = [];
      const seen = new Set<string>();
      const units = rows.map((r, i) => ({ codigo: String(r.codigo ?? '').trim(), nome: String(r.nome ?? '').trim(), sigla: String(r.sigla ?? '').trim(), line: i + 2 }));
      for (const u of units) {
        if (!u.codigo || u.codigo.length > 100) problems.push({ path: `linha ${u.line}`, message: 'codigo em branco ou com mais de 100 caracteres' });
        else if (seen.has(u.codigo)) problems.push({ path: `linha ${u.line}`, message: `codigo ${u.codigo} repetido` });
        seen.add(u.codigo);
        if (!u.nome || u.nome.length > 250) problems.push({ path: `linha ${u.line}`, message: 'nome em branco ou com mais de 250 caracteres' });
      }
      if (units.length > MAX_UNITS) problems.push({ path: 'arquivo', message: `mais de ${MAX_UNITS} unidades` });
      if (problems.length) throw validationFailed(problems.slice(0, 200), { problemas: problems.length });
      const r = await mappings.upsertLocalUnits(
        systemId,
        units.map(({ codigo, nome, sigla }) => ({ codigo, nome, sigla })),
        deps.clock.now().toISOString(),
        { kind: 'mapeamento.unidades_importadas', actor, data: { sistema: systemId } },
      );
      return { ...r, total: units.length };
    },

    list: async (systemId: string): Promise<LocalUnit[]> => (await systemOf(systemId), mappings.listLocalUnits(systemId)),

    /** For each unmapped local unit, up to 3 structures by similarity of name and sigla (0–1). */
    async suggest(systemId: string): Promise<{ unidade: LocalUnit; sugestoes: { estrutura: UnitKey; nome: string; sigla: string; similaridade: number }[] }[]> {
      const structures = await candidates(systemId);
      const taken = new Set((await mappings.listLocalUnits(systemId)).flatMap((u) => (u.mapped ? [`${u.mapped.repositoryId}/${u.mapped.numero}`] : [])));
      const free = structures.filter((s) => !taken.has(`${s.repositoryId}/${s.numero}`));
      return (await mappings.listLocalUnits(systemId))
        .filter((u) => !u.mapped)
        .map((u) => ({
          unidade: u,
          sugestoes: free
            .map((s) => ({ s, score: Math.max(similarity(`${u.nome} ${u.sigla}`, `${s.nome} ${s.sigla}`), similarity(u.nome, s.nome)) }))
            .filter((x) => x.score >= MIN_SCORE)
            .sort((a, b) => b.score - a.score || a.s.numero.localeCompare(b.s.numero))
            .slice(0, 3)
            .map(({ s, score }) => ({ estrutura: { repositoryId: s.repositoryId, numero: s.numero }, nome: s.nome, sigla: s.sigla, similaridade: +score.toFixed(2) })),
        }));
    },

    /** Confirms (or, with null, removes) the mapping of one local unit. */
    async map(systemId: string, codigo: string, to: UnitKey | null, actor: string): Promise<void> {
      if (to) {
        const allowed = (await candidates(systemId)).some((s) => s.repositoryId === to.repositoryId && s.numero === to.numero);
        if (!allowed)
          throw validationFailed({ path: 'estrutura', message: `${unitLabel(to)} não é uma estrutura do participante do sistema "${systemId}" nos repositórios em que ele atua` });
      }
      const r = await mappings.mapLocalUnit(systemId, codigo, to, deps.clock.now().toISOString(), actor, {
        kind: 'mapeamento.unidade',
        actor,
        data: { sistema: systemId, codigo, estrutura: to ? `${to.repositoryId}/${to.numero}` : null },
      });
      if (r.ok) return;
      if (r.reason === 'unknown_unit') throw new EloError('not_found', `O sistema "${systemId}" não tem unidade local com o código "${codigo}". Importe a lista de unidades dele antes.`);
      throw new EloError('registry_conflict', `${unitLabel(to!)} já está mapeada para a unidade local "${r.by}" do sistema "${systemId}" (o mapeamento é um para um).`);
    },

    history: (systemId: string, codigo: string) => mappings.mappingHistory(systemId, codigo),

    /** Local units without a mapping, and structures that receive but no local unit maps to. */
    async coverage(systemId: string): Promise<{ unidadesSemMapeamento: LocalUnit[]; estruturasSemMapeamento: Structure[]; mapeadas: number; total: number }> {
      const units = await mappings.listLocalUnits(systemId);
      const mapped = new Set(units.flatMap((u) => (u.mapped ? [`${u.mapped.repositoryId}/${u.mapped.numero}`] : [])));
      const structures = (await candidates(systemId)).filter((s) => s.ativo && s.aptoParaReceberTramites);
      return {
        unidadesSemMapeamento: units.filter((u) => !u.mapped),
        estruturasSemMapeamento: structures.filter((s) => !mapped.has(`${s.repositoryId}/${s.numero}`)),
        mapeadas: units.length - units.filter((u) => !u.mapped).length,
        total: units.length,
      };
    },

    /** The mappings as CSV for a spreadsheet: `codigo;nome;sigla;repositorio;numero` (UTF-8 with BOM). */
    async exportCsv(systemId: string): Promise<string> {
      const cell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const lines = ['codigo;nome;sigla;repositorio;numero', ...(await mappings.listLocalUnits(systemId)).map((u) => [u.codigo, u.nome, u.sigla, u.mapped ? String(u.mapped.repositoryId) : '', u.mapped?.numero ?? ''].map(cell).join(';'))];
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },
  };
}
