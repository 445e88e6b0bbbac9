import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { unitLabel } from '../../domain/registry.ts';
import { unitMappingService } from '../../services/unit-mappings.ts';
import type { Store } from '../../store/index.ts';
import { dataDirCommand, type DataDirContext } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';
import { codeListCommands, codeListOption, LISTA_HELP } from './mapping-code-lists.ts';

/** `elo mapping …`: a system's own units mapped to federation structures (README "Mapeamento de unidades"). */
const OPERATOR = 'cli';
const service = (store: Store) => unitMappingService({ store, clock: { now: () => new Date() } });

/** Units by default; with `--lista especies|hipoteses`, the same verb on that code list (mapping-code-lists.ts). */
const byList =
  (verb: keyof typeof codeListCommands, units: (ctx: DataDirContext) => Promise<number>) =>
  async (ctx: DataDirContext): Promise<number> => {
    const option = codeListOption(ctx.values.lista);
    if ('error' in option) {
      ctx.io.err(option.error);
      return EXIT_USAGE;
    }
    const { lista } = option;
    if (!lista) return units(ctx);
    if (!ctx.values.sistema || (verb === 'import' && ctx.positionals.length !== 1)) {
      ctx.io.err(verb === 'import' ? 'Informe o arquivo e --sistema ID.' : 'Informe --sistema ID.');
      return EXIT_USAGE;
    }
    return codeListCommands[verb](ctx, lista);
  };

export const runMappingImport = dataDirCommand(
  `Uso: elo mapping import ARQUIVO --sistema ID [--lista unidades|especies|hipoteses] [--json]

Importa a lista de unidades do próprio sistema (o que o SEI ou outro sistema chama de unidade):
CSV "codigo;nome;sigla" (";" ou ",", UTF-8 ou Windows-1252) ou JSON. Um arquivo com erro não
importa nada; um código já importado tem o nome atualizado.
Com --lista especies ou hipoteses: CSV "codigo;nome[;federacao]" com os tipos de documento ou as
hipóteses de restrição do sistema; a coluna federacao, se houver, define o mapeamento de cada
linha (vazia: sem mapeamento), como "elo mapping export" a escreve.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, lista: { type: 'string' } },
  byList('import', async ({ values, positionals, io, store }) => {
    if (positionals.length !== 1 || !values.sistema) {
      io.err('Informe o arquivo e --sistema ID.');
      return EXIT_USAGE;
    }
    const r = await service(store).importLocalUnits(values.sistema, new Uint8Array(readFileSync(resolve(io.cwd, positionals[0]!))), OPERATOR);
    io.out(values.json ? JSON.stringify(r, null, 2) : `${r.total} unidade(s) do sistema: ${r.created} nova(s), ${r.updated} com nome alterado.`);
    return EXIT_OK;
  }),
  { existing: true, positionals: true },
);

export const runMappingSuggest = dataDirCommand(
  `Uso: elo mapping suggest --sistema ID [--lista unidades|especies|hipoteses] [--json]

Sugere, para cada unidade do sistema ainda sem mapeamento, até 3 estruturas da federação pela
semelhança do nome e da sigla (sem acentos nem maiúsculas), para a administração confirmar com
"elo mapping set". Com --lista especies ou hipoteses, até 3 espécies ou hipóteses legais ainda
livres pela semelhança do nome.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, lista: { type: 'string' } },
  byList('suggest', async ({ values, io, store }) => {
    if (!values.sistema) {
      io.err('Informe --sistema ID.');
      return EXIT_USAGE;
    }
    const all = await service(store).suggest(values.sistema);
    if (values.json) io.out(JSON.stringify(all, null, 2));
    else
      for (const s of all) {
        io.out(`${s.unidade.codigo} (${s.unidade.sigla} — ${s.unidade.nome}):${s.sugestoes.length ? '' : ' nenhuma estrutura parecida'}`);
        for (const x of s.sugestoes) io.out(`  ${x.estrutura.repositoryId}:${x.estrutura.numero}  ${x.sigla} — ${x.nome}  (${x.similaridade})`);
      }
    return EXIT_OK;
  }),
  { existing: true },
);

export const runMappingSet = dataDirCommand(
  `Uso: elo mapping set --sistema ID --codigo CÓDIGO (--estrutura REPOSITÓRIO:NÚMERO | --remover) [--json]
       elo mapping set --lista especies|hipoteses --sistema ID --codigo CÓDIGO (--federacao CÓDIGO | --remover) [--json]

Confirma o mapeamento de uma unidade do sistema para uma estrutura da federação (um para um; fica
no histórico), ou o remove. Com --lista, o de um tipo de documento para uma espécie documental
(--federacao: o código da espécie) ou de uma hipótese de restrição para uma hipótese legal.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, codigo: { type: 'string' }, estrutura: { type: 'string' }, remover: { type: 'boolean' }, federacao: { type: 'string' }, lista: { type: 'string' } },
  byList('set', async ({ values, io, store }) => {
    const m = /^(\d+):(\d+)$/.exec(values.estrutura ?? '');
    if (!values.sistema || !values.codigo || (!m && !values.remover) || (m && values.remover)) {
      io.err('Informe --sistema ID, --codigo CÓDIGO e --estrutura REPOSITÓRIO:NÚMERO (ou --remover).');
      return EXIT_USAGE;
    }
    const to = m ? { repositoryId: Number(m[1]), numero: m[2]!.replace(/^0+(?=\d)/, '') } : null;
    await service(store).map(values.sistema, values.codigo, to, OPERATOR);
    io.out(values.json ? JSON.stringify({ sistema: values.sistema, codigo: values.codigo, estrutura: to }) : `Unidade ${values.codigo} do sistema "${values.sistema}" ${to ? `mapeada para ${unitLabel(to)}` : 'sem mapeamento'}.`);
    return EXIT_OK;
  }),
  { existing: true },
);

export const runMappingCoverage = dataDirCommand(
  `Uso: elo mapping coverage --sistema ID [--lista unidades|especies|hipoteses] [--json]

Mostra a cobertura do mapeamento: unidades do sistema sem estrutura e estruturas que recebem
trâmites sem unidade do sistema; com --lista, códigos do sistema sem mapeamento e espécies ou
hipóteses legais (ativas) sem código do sistema.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, lista: { type: 'string' } },
  byList('coverage', async ({ values, io, store }) => {
    if (!values.sistema) {
      io.err('Informe --sistema ID.');
      return EXIT_USAGE;
    }
    const c = await service(store).coverage(values.sistema);
    if (values.json) io.out(JSON.stringify(c, null, 2));
    else {
      io.out(`${c.mapeadas} de ${c.total} unidade(s) do sistema mapeada(s).`);
      for (const u of c.unidadesSemMapeamento) io.out(`  sem estrutura: ${u.codigo} (${u.sigla} — ${u.nome})`);
      for (const s of c.estruturasSemMapeamento) io.out(`  estrutura sem unidade do sistema: ${s.repositoryId}:${s.numero} (${s.sigla} — ${s.nome})`);
    }
    return EXIT_OK;
  }),
  { existing: true },
);

export const runMappingExport = dataDirCommand(
  `Uso: elo mapping export --sistema ID [--lista unidades|especies|hipoteses]

Escreve o mapeamento em CSV (codigo;nome;sigla;repositorio;numero, UTF-8 com BOM) na saída padrão;
com --lista, codigo;nome;federacao;nomeNaFederacao, que "elo mapping import --lista" lê de volta.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, lista: { type: 'string' } },
  byList('export', async ({ values, io, store }) => {
    if (!values.sistema) {
      io.err('Informe --sistema ID.');
      return EXIT_USAGE;
    }
    io.out(await service(store).exportCsv(values.sistema));
    return EXIT_OK;
  }),
  { existing: true },
);

export const runMappingHistory = dataDirCommand(
  `Uso: elo mapping history --sistema ID --codigo CÓDIGO [--lista unidades|especies|hipoteses] [--json]

Mostra o histórico do mapeamento de uma unidade (ou, com --lista, de um código) do sistema: cada
mudança com quando e quem.
${LISTA_HELP}`,
  { sistema: { type: 'string' }, codigo: { type: 'string' }, lista: { type: 'string' } },
  async (ctx) => {
    const { values, io, store } = ctx;
    if (!values.sistema || !values.codigo) {
      io.err('Informe --sistema ID e --codigo CÓDIGO.');
      return EXIT_USAGE;
    }
    return byList('history', async () => {
      const h = await service(store).history(values.sistema, values.codigo);
      if (values.json) io.out(JSON.stringify(h, null, 2));
      else for (const x of h) io.out(`${x.at}  ${x.actor}  ${x.mapped ? `mapeada para ${unitLabel(x.mapped)}` : 'sem mapeamento'}`);
      return EXIT_OK;
    })(ctx);
  },
  { existing: true },
);
