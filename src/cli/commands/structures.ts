import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { participantService } from '../../services/participants.ts';
import { structureTreeService } from '../../services/structures-import/structure-tree-service.ts';
import type { Store } from '../../store/index.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/**
 * `elo structures …`: a participant's unit tree, imported and exported on the data folder of this
 * hub (the running hub sees an import at its next request).
 */
const OPERATOR = 'cli';

const service = (store: Store) => {
  const clock = { now: () => new Date() };
  return structureTreeService({ store, clock }, participantService({ store, clock }));
};

const positiveInt = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);

export const runStructuresImport = dataDirCommand(
  `Uso: elo structures import ARQUIVO.csv|ARQUIVO.json --repositorio ID --participante CNPJ [--nome "…"]
                             [--simular] [--desativar-ausentes] [--vigencia AAAA-MM-DD] [--json]

Importa a árvore de unidades de um participante num repositório de estruturas (cria o
repositório, com --nome, se ele ainda não existe). Só as unidades do participante mudam; um
arquivo igual ao que está gravado não muda nada; um arquivo com erro é recusado inteiro, com
cada problema pela linha. Unidades nunca são apagadas nem renumeradas: as que faltam no arquivo
só são desativadas com --desativar-ausentes. --simular mostra o que mudaria, sem gravar.
CSV: colunas numero;nome;sigla;numeroPai;ativo;recebeTramites (e, se quiser, enviaTramites,
codigoNoOrgao, unidadeReceptora, sucessor), separadas por ";" ou ",", em UTF-8 ou Windows-1252.`,
  {
    repositorio: { type: 'string' },
    participante: { type: 'string' },
    nome: { type: 'string' },
    simular: { type: 'boolean' },
    'desativar-ausentes': { type: 'boolean' },
    vigencia: { type: 'string' },
  },
  async ({ values, positionals, io, store }) => {
    const [file, ...extra] = positionals;
    const repositorio = positiveInt(values.repositorio);
    if (!file || extra.length || Number.isNaN(repositorio) || !values.participante) {
      io.err('Informe o arquivo, --repositorio ID e --participante CNPJ. Veja "elo structures import --help".');
      return EXIT_USAGE;
    }
    const bytes = new Uint8Array(readFileSync(resolve(io.cwd, file)));
    const r = await service(store).importTree(
      bytes,
      {
        repositorio,
        participante: values.participante,
        ...(values.nome ? { nome: values.nome } : {}),
        simular: !!values.simular,
        desativarAusentes: !!values['desativar-ausentes'],
        ...(values.vigencia ? { vigencia: values.vigencia } : {}),
      },
      OPERATOR,
    );
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else {
      const nothing = r.criadas + r.alteradas + r.desativadas === 0;
      io.out(
        `${r.simulacao ? 'Simulação (nada foi gravado): ' : ''}${r.criadas} unidade(s) criada(s), ${r.alteradas} alterada(s), ${r.desativadas} desativada(s), ` +
          `${r.inalteradas} sem mudança${r.ausentes ? `, ${r.ausentes} ausente(s) do arquivo mantida(s) como estão` : ''}.`,
      );
      io.out(
        nothing
          ? `Nada mudou: a árvore já estava assim (versão ${r.versao}).`
          : r.simulacao
            ? `Seria a versão ${r.versao + 1} da árvore, vigente a partir de ${r.vigencia}.`
            : `Versão ${r.versao} da árvore, vigente a partir de ${r.vigencia}.`,
      );
      io.out(`Arquivo ${r.formato.toUpperCase()} em ${r.codificacao}${r.separador ? `, separador "${r.separador}"` : ''}.`);
      for (const m of r.mudancas) io.out(`  ${m.numero}: ${m.acao}${m.campos ? ` (${m.campos.join(', ')})` : ''}`);
    }
    return EXIT_OK;
  },
  { existing: true, positionals: true },
);

export const runStructuresExport = dataDirCommand(
  `Uso: elo structures export --repositorio ID --participante CNPJ [--formato csv|json] [--saida ARQUIVO]

Exporta a árvore de unidades de um participante: CSV para planilhas (UTF-8 com BOM, ";",
booleanos sim/não) ou JSON, nos mesmos formatos que "elo structures import" lê. Sem --saida,
escreve na saída padrão.`,
  { repositorio: { type: 'string' }, participante: { type: 'string' }, formato: { type: 'string' }, saida: { type: 'string' } },
  async ({ values, io, store }) => {
    const repositorio = positiveInt(values.repositorio);
    const formato = values.formato ?? 'csv';
    if (Number.isNaN(repositorio) || !values.participante || (formato !== 'csv' && formato !== 'json')) {
      io.err('Informe --repositorio ID e --participante CNPJ; --formato é csv ou json. Veja "elo structures export --help".');
      return EXIT_USAGE;
    }
    const r = await service(store).exportTree({ repositorio, participante: values.participante, formato });
    if (values.saida) {
      writeFileSync(resolve(io.cwd, values.saida), r.text);
      io.err(`${r.unidades} unidade(s) exportada(s) para ${values.saida}.`);
    } else io.out(r.text);
    return EXIT_OK;
  },
  { existing: true },
);
