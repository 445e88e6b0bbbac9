import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { unitLabel } from '../../domain/registry.ts';
import { unitMappingService } from '../../services/unit-mappings.ts';
import type { Store } from '../../store/index.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/** `elo mapping …`: a system's own units mapped to federation structures (README "Mapeamento de unidades"). */
const OPERATOR = 'cli';
const service = (store: Store) => unitMappingService({ store, clock: { now: () => new Date() } });

export const runMappingImport = dataDirCommand(
  `Uso: elo mapping import ARQUIVO --sistema ID [--json]

Importa a lista de unidades do próprio sistema (o que o SEI ou outro sistema chama de unidade):
CSV "codigo;nome;sigla" (";" ou ",", UTF-8 ou Windows-1252) ou JSON. Um arquivo com erro não
importa nada; um código já importado tem o nome atualizado.`,
  { sistema: { type: 'string' } },
  async ({ values, positionals, io, store }) => {
    if (positionals.length !== 1 || !values.sistema) {
      io.err('Informe o arquivo e --sistema ID.');
      return EXIT_USAGE;
    }
    const r = await service(store).importLocalUnits(values.sistema, new Uint8Array(readFileSync(resolve(io.cwd, positionals[0]!))), OPERATOR);
    io.out(values.json ? JSON.stringify(r, null, 2) : `${r.total} unidade(s) do sistema: ${r.created} nova(s), ${r.updated} com nome alterado.`);
    return EXIT_OK;
  },
  { existing: true, positionals: true },
);

export const runMappingSuggest = dataDirCommand(
  `Uso: elo mapping suggest --sistema ID [--json]

Sugere, para cada unidade do sistema ainda sem mapeamento, até 3 estruturas da federação pela
semelhança do nome e da sigla (sem acentos nem maiúsculas), para a administração confirmar com
"elo mapping set".`,
  { sistema: { type: 'string' } },
  async ({ values, io, store }) => {
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
  },
  { existing: true },
);

export const runMappingSet = dataDirCommand(
  `Uso: elo mapping set --sistema ID --codigo CÓDIGO (--estrutura REPOSITÓRIO:NÚMERO | --remover) [--json]

Confirma o mapeamento de uma unidade do sistema para uma estrutura da federação (um para um; fica
no histórico), ou o remove.`,
  { sistema: { type: 'string' }, codigo: { type: 'string' }, estrutura: { type: 'string' }, remover: { type: 'boolean' } },
  async ({ values, io, store }) => {
    const m = /^(\d+):(\d+)$/.exec(values.estrutura ?? '');
    if (!values.sistema || !values.codigo || (!m && !values.remover) || (m && values.remover)) {
      io.err('Informe --sistema ID, --codigo CÓDIGO e --estrutura REPOSITÓRIO:NÚMERO (ou --remover).');
      return EXIT_USAGE;
    }
    const to = m ? { repositoryId: Number(m[1]), numero: m[2]!.replace(/^0+(?=\d)/, '') } : null;
    await service(store).map(values.sistema, values.codigo, to, OPERATOR);
    io.out(values.json ? JSON.stringify({ sistema: values.sistema, codigo: values.codigo, estrutura: to }) : `Unidade ${values.codigo} do sistema "${values.sistema}" ${to ? `mapeada para ${unitLabel(to)}` : 'sem mapeamento'}.`);
    return EXIT_OK;
  },
  { existing: true },
);

export const runMappingCoverage = dataDirCommand(
  `Uso: elo mapping coverage --sistema ID [--json]

Mostra a cobertura do mapeamento: unidades do sistema sem estrutura e estruturas que recebem
trâmites sem unidade do sistema.`,
  { sistema: { type: 'string' } },
  async ({ values, io, store }) => {
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
  },
  { existing: true },
);

export const runMappingExport = dataDirCommand(
  `Uso: elo mapping export --sistema ID

Escreve o mapeamento em CSV (codigo;nome;sigla;repositorio;numero, UTF-8 com BOM) na saída padrão.`,
  { sistema: { type: 'string' } },
  async ({ values, io, store }) => {
    if (!values.sistema) {
      io.err('Informe --sistema ID.');
      return EXIT_USAGE;
    }
    io.out(await service(store).exportCsv(values.sistema));
    return EXIT_OK;
  },
  { existing: true },
);
