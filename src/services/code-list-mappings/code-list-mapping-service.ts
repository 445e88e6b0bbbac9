import type { CodeListsData } from '../../domain/codelists.ts';
import { CODE_LIST_LABEL, isCodeListName, type CodeListName } from '../../domain/code-list-mapping.ts';
import { EloError } from '../../domain/errors.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import type { LocalCode } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { systemInScope } from '../system-scope.ts';
import { similarity } from '../unit-mappings.ts';
import { parseCodeListFile } from './parse-code-list-file.ts';

/** One code of a federation list, as mappings read it (an espécie's `codigo`, a hipótese's `identificacao`). */
export interface FederationCode {
  codigo: number;
  nome: string;
  ativo: boolean;
}

const MIN_SCORE = 0.3;

/** The federation codes of one list, from the lists as they are now. */
export function federationCodes(lists: CodeListsData, lista: CodeListName): FederationCode[] {
  return lista === 'especies'
    ? lists.especies.map((e) => ({ codigo: e.codigo, nome: e.nome, ativo: true }))
    : lists.hipotesesLegais.map((h) => ({ codigo: h.identificacao, nome: h.nome, ativo: h.status }));
}

export const requireCodeList = (v: unknown): CodeListName => {
  if (isCodeListName(v)) return v;
  throw validationFailed({ path: 'lista', message: `"${String(v)}" não é uma lista: use especies ou hipoteses` });
};

/**
 * A system's own code lists mapped to the federation's (README "Mapeamento de espécies e
 * hipóteses"), as its units are (unit-mappings.ts): local document types to espécies documentais,
 * local restriction hypotheses to hipóteses legais; registered from its file, suggested by
 * accent-insensitive similarity of name, confirmed one to one with history, with coverage and
 * CSV export. Federation codes are checked against the lists as they are now (`currentLists`).
 * `onlyFor`: a participant's administrator reaches only its own participant's systems.
 */
export function codeListMappingService(deps: Pick<ServiceDeps, 'store' | 'clock'>, currentLists: () => Promise<CodeListsData>) {
  const { registry, codeMappings } = deps.store;
  const federation = async (lista: CodeListName) => federationCodes(await currentLists(), lista);
  const label = (f: FederationCode | undefined, codigo: number) => (f ? `${codigo} (${f.nome})` : String(codigo));

  return {
    federation,

    /** The system's codes of a list, with each one's mapping. */
    async list(systemId: string, lista: CodeListName, onlyFor?: string | null): Promise<LocalCode[]> {
      await systemInScope(registry, systemId, onlyFor);
      return codeMappings.listLocalCodes(systemId, lista);
    },

    /**
     * The system's file (`codigo;nome[;federacao]`): new codes added, names updated, and with a
     * `federacao` column each row's mapping set (an empty cell: no mapping). Whole or nothing.
     */
    async importFile(systemId: string, lista: CodeListName, bytes: Uint8Array, actor: string, onlyFor?: string | null): Promise<{ criados: number; renomeados: number; mapeamentosAlterados: number; total: number }> {
      await systemInScope(registry, systemId, onlyFor);
      const known = new Set((await federation(lista)).map((f) => f.codigo));
      const parsed = parseCodeListFile(bytes, lista, known);
      if (!parsed.ok) throw fileRefused(parsed.problems, parsed.total);
      const r = await codeMappings.importLocalCodes(
        systemId,
        lista,
        parsed.rows.map(({ codigo, nome, mapped }) => ({ codigo, nome, ...(mapped !== undefined && { mapped }) })),
        deps.clock.now().toISOString(),
        actor,
        { kind: 'mapeamento.codigos_importados', actor, data: { sistema: systemId, lista } },
      );
      if (!r.ok)
        throw fileRefused(
          r.conflicts.map((c) => `a ${CODE_LIST_LABEL[lista].federacao} ${c.federacao} ficaria mapeada pelos códigos ${c.codigos.join(' e ')} (o mapeamento é um para um): corrija o arquivo ou remova antes o mapeamento antigo`),
          r.conflicts.length,
        );
      return { criados: r.created, renomeados: r.updated, mapeamentosAlterados: r.remapped, total: parsed.rows.length };
    },

    /** Confirms (or, with null, removes) the mapping of one local code. */
    async map(systemId: string, lista: CodeListName, codigo: string, to: number | null, actor: string, onlyFor?: string | null): Promise<void> {
      await systemInScope(registry, systemId, onlyFor);
      const what = CODE_LIST_LABEL[lista];
      const codes = await federation(lista);
      if (to !== null && !codes.some((f) => f.codigo === to)) throw validationFailed({ path: 'federacao', message: `${to} não é uma ${what.federacao} da federação` });
      const r = await codeMappings.mapLocalCode(systemId, lista, codigo, to, deps.clock.now().toISOString(), actor, {
        kind: 'mapeamento.codigo',
        actor,
        data: { sistema: systemId, lista, codigo, federacao: to },
      });
      if (r.ok) return;
      if (r.reason === 'unknown_code') throw new EloError('not_found', `O sistema "${systemId}" não tem ${what.local} com o código "${codigo}". Importe a lista dele antes.`);
      throw new EloError('registry_conflict', `A ${what.federacao} ${label(codes.find((f) => f.codigo === to), to!)} já está mapeada para o código local "${r.by}" do sistema "${systemId}" (o mapeamento é um para um).`);
    },

    async history(systemId: string, lista: CodeListName, codigo: string, onlyFor?: string | null) {
      await systemInScope(registry, systemId, onlyFor);
      return codeMappings.codeMappingHistory(systemId, lista, codigo);
    },

    /** For each unmapped local code, up to 3 federation codes no local code maps to yet, by similarity of name (0–1). */
    async suggest(systemId: string, lista: CodeListName, onlyFor?: string | null): Promise<{ codigo: LocalCode; sugestoes: (FederationCode & { similaridade: number })[] }[]> {
      await systemInScope(registry, systemId, onlyFor);
      const local = await codeMappings.listLocalCodes(systemId, lista);
      const taken = new Set(local.flatMap((c) => (c.mapped === null ? [] : [c.mapped])));
      const free = (await federation(lista)).filter((f) => f.ativo && !taken.has(f.codigo));
      return local
        .filter((c) => c.mapped === null)
        .map((c) => ({
          codigo: c,
          sugestoes: free
            // hipóteses carry their legal basis in parentheses, which the system's own names rarely repeat
            .map((f) => ({ f, score: Math.max(similarity(c.nome, f.nome), similarity(c.nome, f.nome.replace(/\([^)]*\)/g, ' '))) }))
            .filter((x) => x.score >= MIN_SCORE)
            .sort((a, b) => b.score - a.score || a.f.codigo - b.f.codigo)
            .slice(0, 3)
            .map(({ f, score }) => ({ ...f, similaridade: +score.toFixed(2) })),
        }));
    },

    /** Local codes without a mapping, and (active) federation codes no local code maps to. */
    async coverage(systemId: string, lista: CodeListName, onlyFor?: string | null): Promise<{ codigosSemMapeamento: LocalCode[]; federacaoSemCodigo: FederationCode[]; mapeados: number; total: number }> {
      await systemInScope(registry, systemId, onlyFor);
      const local = await codeMappings.listLocalCodes(systemId, lista);
      const mapped = new Set(local.flatMap((c) => (c.mapped === null ? [] : [c.mapped])));
      return {
        codigosSemMapeamento: local.filter((c) => c.mapped === null),
        federacaoSemCodigo: (await federation(lista)).filter((f) => f.ativo && !mapped.has(f.codigo)),
        mapeados: mapped.size,
        total: local.length,
      };
    },

    /** The mappings as CSV for a spreadsheet, readable back by `importFile`: `codigo;nome;federacao;nomeNaFederacao` (UTF-8 with BOM). */
    async exportCsv(systemId: string, lista: CodeListName, onlyFor?: string | null): Promise<string> {
      await systemInScope(registry, systemId, onlyFor);
      const names = new Map((await federation(lista)).map((f) => [f.codigo, f.nome]));
      const cell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const lines = [
        'codigo;nome;federacao;nomeNaFederacao',
        ...(await codeMappings.listLocalCodes(systemId, lista)).map((c) => [c.codigo, c.nome, c.mapped === null ? '' : String(c.mapped), c.mapped === null ? '' : (names.get(c.mapped) ?? '')].map(cell).join(';')),
      ];
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },

    /** What preflight reads: whether the system registered codes of the list at all, and the federation codes it maps. */
    async mappedCodes(systemId: string, lista: CodeListName): Promise<{ registered: boolean; mapped: Set<number> }> {
      const local = await codeMappings.listLocalCodes(systemId, lista);
      return { registered: local.length > 0, mapped: new Set(local.flatMap((c) => (c.mapped === null ? [] : [c.mapped]))) };
    },
  };
}

export type CodeListMappingService = ReturnType<typeof codeListMappingService>;

function fileRefused(problems: string[], total: number): EloError {
  return new EloError(
    'validation_failed',
    [`O arquivo foi recusado inteiro e nada mudou. ${total} problema(s)${total > problems.length ? ` (os ${problems.length} primeiros)` : ''}:`, ...problems.map((p) => `- ${p}`)].join('\n'),
    { problemas: problems, total },
  );
}
