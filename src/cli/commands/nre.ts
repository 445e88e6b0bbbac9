import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig } from 'node:util';
import { nreHoldingService, parseHoldings } from '../../services/nre-holdings.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';

/**
 * `elo nre …`: the administrator's NRE holdings on the data folder of this hub (the same service
 * as `/admin/api/nres/…`; each change is an audit event with actor `operador:cli`).
 */
function nreCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: { values: Record<string, any>; io: CliIo; service: ReturnType<typeof nreHoldingService> }) => Promise<number>,
): CliCommand {
  return dataDirCommand(
    help,
    options,
    ({ values, io, store }) => body({ values, io, service: nreHoldingService({ store, clock: { now: () => new Date() } }) }),
    { existing: true },
  );
}

const OPERATOR = 'cli';

export const runNreImport = nreCommand(
  `Uso: elo nre importar --arquivo ARQUIVO (.csv ou .json) [--sistema ID] [--json]

Vincula a um sistema os NREs que ele já detém (exportados do SEI de um parceiro que migra para o
hub), para que nenhum outro sistema possa usá-los. CSV: uma linha por NRE, "nre;protocolo" ou
"nre;protocolo;sistema" (vírgula também serve; cabeçalho opcional). JSON: {"sistema": "…",
"nres": [{"nre": "…", "protocolo": "…"}]}. --sistema vale para as linhas sem sistema. Um arquivo
com erro não importa nada; NREs já vinculados a outro sistema são listados como recusados.`,
  { arquivo: { type: 'string' }, sistema: { type: 'string' } },
  async ({ values, io, service }) => {
    if (!values.arquivo) {
      io.err('Informe o arquivo com --arquivo ARQUIVO.');
      return EXIT_USAGE;
    }
    const rows = parseHoldings(readFileSync(resolve(io.cwd, values.arquivo), 'utf8'), values.sistema);
    const r = await service.importHoldings(rows, OPERATOR);
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(`${r.vinculados} NRE(s) vinculado(s), ${r.resultados.length - r.vinculados - r.recusados} já vinculado(s), ${r.recusados} recusado(s).`);
      for (const x of r.resultados.filter((y) => y.resultado === 'recusado')) io.out(`  recusado ${x.nre} (${x.sistema}): ${x.motivo}`);
    }
    return r.recusados > 0 ? EXIT_FAILED : EXIT_OK;
  },
);

export const runNreRelease = nreCommand(
  `Uso: elo nre liberar --nre NRE [--motivo TEXTO] [--json]

Desvincula o NRE de todos os sistemas: o próximo remetente pode usá-lo, e o próximo trâmite dele
que chegar à situação 5 vincula o remetente e o destinatário. Os documentos registrados continuam
valendo (spec §6).`,
  { nre: { type: 'string' }, motivo: { type: 'string' } },
  async ({ values, io, service }) => {
    if (!values.nre) {
      io.err('Informe o NRE com --nre NRE.');
      return EXIT_USAGE;
    }
    const r = await service.release(values.nre, OPERATOR, values.motivo);
    if (values.json) io.out(JSON.stringify({ liberado: true, nre: values.nre, ...r }, null, 2));
    else io.out(`NRE ${values.nre} liberado (era de: ${r.anteriores.join(', ') || 'nenhum sistema'}).`);
    return EXIT_OK;
  },
);

export const runNreReassign = nreCommand(
  `Uso: elo nre reatribuir --nre NRE --sistema ID [--motivo TEXTO] [--json]

Vincula o NRE somente ao sistema informado (o processo mudou de mãos fora do hub). Recusado
enquanto houver trâmite do NRE em andamento de outro sistema: cancele-o antes.`,
  { nre: { type: 'string' }, sistema: { type: 'string' }, motivo: { type: 'string' } },
  async ({ values, io, service }) => {
    if (!values.nre || !values.sistema) {
      io.err('Informe o NRE com --nre NRE e o sistema com --sistema ID.');
      return EXIT_USAGE;
    }
    const r = await service.reassign(values.nre, values.sistema, OPERATOR, values.motivo);
    if (values.json) io.out(JSON.stringify({ reatribuido: true, nre: values.nre, sistema: values.sistema, ...r }, null, 2));
    else io.out(`NRE ${values.nre} vinculado a "${values.sistema}" (era de: ${r.anteriores.join(', ') || 'nenhum sistema'}).`);
    return EXIT_OK;
  },
);
