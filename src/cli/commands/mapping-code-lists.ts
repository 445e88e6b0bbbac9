import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CODE_LIST_LABEL, type CodeListName } from '../../domain/code-list-mapping.ts';
import { loadCodeLists } from '../../runtime/federation-files.ts';
import { codeListMappingService } from '../../services/code-list-mappings/code-list-mapping-service.ts';
import { codeListService } from '../../services/code-lists.ts';
import type { Store } from '../../store/index.ts';
import type { DataDirContext } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/**
 * `elo mapping … --lista especies|hipoteses`: a system's document types and restriction
 * hypotheses mapped to the federation's espécies and hipóteses legais (README "Mapeamento de
 * espécies e hipóteses"), the same verbs as its units. The federation's lists are read as the
 * hub reads them.
 */
const OPERATOR = 'cli';
const service = (store: Store) => {
  const clock = { now: () => new Date() };
  // the lists as they stand in the store (seeded from the federation files when it has none yet)
  const lists = codeListService({ store, clock, codeLists: loadCodeLists() });
  return codeListMappingService({ store, clock }, () => lists.current());
};

export const LISTA_HELP = `--lista unidades (padrão), especies (tipos de documento do sistema → espécies documentais) ou
hipoteses (hipóteses de restrição do sistema → hipóteses legais).`;

/** The list named by `--lista` (null: units), or why it is not one. */
export function codeListOption(v: unknown): { lista: CodeListName | null } | { error: string } {
  if (v === undefined || v === 'unidades') return { lista: null };
  if (v === 'especies' || v === 'hipoteses') return { lista: v };
  return { error: `--lista "${String(v)}" não existe: use unidades, especies ou hipoteses.` };
}

export const codeListCommands = {
  async import({ values, positionals, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    const r = await service(store).importFile(values.sistema, lista, new Uint8Array(readFileSync(resolve(io.cwd, positionals[0]!))), OPERATOR);
    io.out(values.json ? JSON.stringify(r, null, 2) : `${r.total} código(s) do sistema: ${r.criados} novo(s), ${r.renomeados} com nome alterado, ${r.mapeamentosAlterados} mapeamento(s) alterado(s).`);
    return EXIT_OK;
  },

  async suggest({ values, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    const all = await service(store).suggest(values.sistema, lista);
    if (values.json) io.out(JSON.stringify(all, null, 2));
    else
      for (const s of all) {
        io.out(`${s.codigo.codigo} (${s.codigo.nome}):${s.sugestoes.length ? '' : ` nenhuma ${CODE_LIST_LABEL[lista].federacao} parecida`}`);
        for (const x of s.sugestoes) io.out(`  ${x.codigo}  ${x.nome}  (${x.similaridade})`);
      }
    return EXIT_OK;
  },

  async set({ values, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    const f = /^\d{1,9}$/.exec(values.federacao ?? '');
    if (!values.codigo || (!f && !values.remover) || (f && values.remover)) {
      io.err('Informe --sistema ID, --codigo CÓDIGO e --federacao CÓDIGO_NA_FEDERAÇÃO (ou --remover).');
      return EXIT_USAGE;
    }
    const to = f ? Number(f[0]) : null;
    await service(store).map(values.sistema, lista, values.codigo, to, OPERATOR);
    const what = CODE_LIST_LABEL[lista];
    io.out(values.json ? JSON.stringify({ sistema: values.sistema, lista, codigo: values.codigo, federacao: to }) : `${what.local[0]!.toUpperCase()}${what.local.slice(1)} ${values.codigo} do sistema "${values.sistema}" ${to === null ? 'sem mapeamento' : `mapeado para a ${what.federacao} ${to}`}.`);
    return EXIT_OK;
  },

  async coverage({ values, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    const c = await service(store).coverage(values.sistema, lista);
    if (values.json) io.out(JSON.stringify(c, null, 2));
    else {
      const what = CODE_LIST_LABEL[lista];
      io.out(`${c.mapeados} de ${c.total} código(s) do sistema mapeado(s).`);
      for (const x of c.codigosSemMapeamento) io.out(`  sem ${what.federacao}: ${x.codigo} (${x.nome})`);
      for (const x of c.federacaoSemCodigo) io.out(`  ${what.federacao} sem código do sistema: ${x.codigo} (${x.nome})`);
    }
    return EXIT_OK;
  },

  async export({ values, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    io.out(await service(store).exportCsv(values.sistema, lista));
    return EXIT_OK;
  },

  async history({ values, io, store }: DataDirContext, lista: CodeListName): Promise<number> {
    const h = await service(store).history(values.sistema, lista, values.codigo);
    if (values.json) io.out(JSON.stringify(h, null, 2));
    else for (const x of h) io.out(`${x.at}  ${x.actor}  ${x.mapped === null ? 'sem mapeamento' : `mapeado para ${x.mapped}`}`);
    return EXIT_OK;
  },
};
