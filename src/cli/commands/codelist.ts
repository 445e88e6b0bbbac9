import type { ParseArgsConfig } from 'node:util';
import { CODE_LIST_NAMES, kindOfPath, type CodeListChange, type CodeListEntry, type CodeListKind } from '../../domain/codelist-entries.ts';
import { codeListService } from '../../services/code-lists.ts';
import { loadCodeLists } from '../../runtime/federation-files.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';

/**
 * `elo codelist …`: the federation's code lists (README "Listas de códigos"), on the data folder
 * of this hub, with the same service and rules as `/admin/api/listas` (each change a history row
 * and an audit event with actor `cli`). The running hub serves a change at its next request.
 */
const OPERATOR = 'cli';
const LISTAS = 'especies|hipoteses|motivos';

function codeListCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: { kind: CodeListKind; values: Record<string, any>; io: CliIo; service: ReturnType<typeof codeListService> }) => Promise<number>,
): CliCommand {
  return dataDirCommand(
    help,
    options,
    async ({ values, positionals, io, store }) => {
      const kind = positionals.length === 1 ? kindOfPath(positionals[0]!) : undefined;
      if (!kind) {
        io.err(`Informe a lista: ${LISTA_HELP}.\n\n${help}`);
        return EXIT_USAGE;
      }
      // the federation files seed a store that has no lists yet (a data folder from before them)
      const service = codeListService({ store, clock: { now: () => new Date() }, codeLists: loadCodeLists() });
      return body({ kind, values, io, service });
    },
    { existing: true, positionals: true },
  );
}

const LISTA_HELP = 'especies (espécies documentais), hipoteses (hipóteses legais) ou motivos (motivos de urgência)';

/** A whole number from an option, or undefined when it is not one. */
const int = (v: unknown): number | undefined => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : undefined);

const line = (e: CodeListEntry) => `${String(e.codigo).padStart(5)}  ${e.nome}${e.kind === 'hipotese' ? (e.ativo ? '' : '  (inativa)') : ''}`;
const state = (s: { nome: string; ativo: boolean } | null, kind: CodeListKind) => (s ? `"${s.nome}"${kind === 'hipotese' ? (s.ativo ? ' (ativa)' : ' (inativa)') : ''}` : '—');

export const runCodeListList = codeListCommand(
  `Uso: elo codelist list ${LISTAS} [--json]

Lista as entradas atuais de uma lista de códigos, como a face Tramita as serve (GET especies,
hipoteses, motivosUrgencia): código e nome; nas hipóteses legais, as inativas marcadas.`,
  {},
  async ({ kind, values, io, service }) => {
    const all = await service.list(kind);
    if (values.json) io.out(JSON.stringify(all.map(({ kind: _k, ...e }) => e), null, 2));
    else {
      io.out(`${all.length} ${CODE_LIST_NAMES[kind].label}:`);
      for (const e of all) io.out(line(e));
    }
    return EXIT_OK;
  },
);

export const runCodeListAdd = codeListCommand(
  `Uso: elo codelist add ${LISTAS} --nome NOME [--codigo N] [--inativa] --motivo TEXTO [--json]

Inclui uma entrada numa lista de códigos. Um código nunca é reutilizado, e nada sai da lista depois
de incluído (o SEI apaga os mapeamentos de um código que desaparece): confira nome e código antes.
Espécies e hipóteses: --codigo é o identificador (o do barramento federal, quando houver); sem ele,
o maior já usado + 1. Motivos de urgência: só no fim da lista (o código é a posição); não informe
--codigo. --inativa: só para hipóteses legais. O motivo fica no histórico.`,
  { nome: { type: 'string' }, codigo: { type: 'string' }, inativa: { type: 'boolean' }, motivo: { type: 'string' } },
  async ({ kind, values, io, service }) => {
    const codigo = int(values.codigo);
    if (!values.nome || !values.motivo || (values.codigo !== undefined && codigo === undefined)) {
      io.err(`Informe --nome NOME e --motivo TEXTO (e, se quiser, --codigo N, um número inteiro). Veja "elo codelist add --help".`);
      return EXIT_USAGE;
    }
    const e = await service.add(kind, { nome: values.nome, motivo: values.motivo, ...(codigo !== undefined ? { codigo } : {}), ...(values.inativa ? { ativo: false } : {}) }, OPERATOR);
    io.out(values.json ? JSON.stringify({ codigo: e.codigo, nome: e.nome, ativo: e.ativo }, null, 2) : `Incluído na lista de ${CODE_LIST_NAMES[kind].label}:\n${line(e)}`);
    return EXIT_OK;
  },
);

export const runCodeListSet = codeListCommand(
  `Uso: elo codelist set especies|hipoteses --codigo N [--nome NOME] [--ativa | --inativa] --motivo TEXTO [--json]

Renomeia uma espécie documental ou uma hipótese legal, ou ativa/inativa uma hipótese legal (o SEI
pede as ativas e as inativas, spec §2.6). Uma espécie nunca fica inativa nem sai da lista; a 179
"Anexo" fica como está; um motivo de urgência não muda (inclua outro). O motivo fica no histórico.`,
  { codigo: { type: 'string' }, nome: { type: 'string' }, ativa: { type: 'boolean' }, inativa: { type: 'boolean' }, motivo: { type: 'string' } },
  async ({ kind, values, io, service }) => {
    const codigo = int(values.codigo);
    if (codigo === undefined || !values.motivo || (values.ativa && values.inativa) || (!values.nome && !values.ativa && !values.inativa)) {
      io.err('Informe --codigo N, --motivo TEXTO e o que muda: --nome NOME, --ativa ou --inativa. Veja "elo codelist set --help".');
      return EXIT_USAGE;
    }
    const r = await service.change(
      kind,
      codigo,
      { motivo: values.motivo, ...(values.nome ? { nome: values.nome } : {}), ...(values.ativa ? { ativo: true } : values.inativa ? { ativo: false } : {}) },
      OPERATOR,
    );
    const e = r.entry;
    io.out(values.json ? JSON.stringify({ codigo: e.codigo, nome: e.nome, ativo: e.ativo, alterado: r.changed }, null, 2) : `${r.changed ? 'Alterado' : 'Já estava assim (nada gravado)'}:\n${line(e)}`);
    return EXIT_OK;
  },
);

export const runCodeListHistory = codeListCommand(
  `Uso: elo codelist history ${LISTAS} [--codigo N] [--limite N] [--json]

Mostra as mudanças de uma lista de códigos (ou de uma entrada, com --codigo), da mais recente:
quando, quem, por quê, antes e depois. --limite: quantas (padrão 100, no máximo 1000).`,
  { codigo: { type: 'string' }, limite: { type: 'string' } },
  async ({ kind, values, io, service }) => {
    const codigo = int(values.codigo);
    const limit = int(values.limite);
    if ((values.codigo !== undefined && codigo === undefined) || (values.limite !== undefined && limit === undefined)) {
      io.err('--codigo e --limite são números inteiros. Veja "elo codelist history --help".');
      return EXIT_USAGE;
    }
    const all: CodeListChange[] = await service.history(kind, { ...(codigo !== undefined ? { codigo } : {}), ...(limit !== undefined ? { limit } : {}) });
    if (values.json) io.out(JSON.stringify(all.map(({ kind: _k, ...h }) => h), null, 2));
    else
      for (const h of all) io.out(`${h.at}  ${String(h.codigo).padStart(5)}  ${state(h.before, kind)} → ${state(h.after, kind)}  por ${h.actor}: ${h.reason}`);
    return EXIT_OK;
  },
);
