import { participantService } from '../../services/participants.ts';
import { systemService } from '../../services/systems.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';
import { systemView } from '../../http/routes/admin/views.ts';

/**
 * `elo system …`: the systems (SPE) of the federation's participants, on the data folder of this
 * hub (the same service as `/admin/api/sistemas`). The running hub sees a change at its next request.
 */
const OPERATOR = 'cli';

const services = (store: Parameters<typeof participantService>[0]['store']) => {
  const clock = { now: () => new Date() };
  return systemService({ store, clock }, participantService({ store, clock }));
};

/** `REP:NUM[:subarvore][:envia|:recebe]` → a structure the system acts for, or why not. */
export function parseStructureOption(text: string): { repositorio: number; numero: string; subarvore: boolean; papel: 'ambos' | 'envia' | 'recebe' } | string {
  const [rep, num, ...flags] = text.split(':');
  if (!rep || !/^\d+$/.test(rep) || !num || !/^\d+$/.test(num))
    return `"${text}" não é uma estrutura: use REPOSITÓRIO:NÚMERO, p. ex. 100:1002, com :subarvore e :envia ou :recebe se for o caso.`;
  const unknown = flags.filter((f) => !['subarvore', 'envia', 'recebe'].includes(f));
  if (unknown.length) return `Em "${text}", "${unknown[0]}" não é opção de estrutura: use subarvore, envia ou recebe.`;
  if (flags.includes('envia') && flags.includes('recebe')) return `Em "${text}", use envia ou recebe, não os dois (sem nenhum dos dois o sistema envia e recebe).`;
  return {
    repositorio: Number(rep),
    numero: num,
    subarvore: flags.includes('subarvore'),
    papel: flags.includes('envia') ? 'envia' : flags.includes('recebe') ? 'recebe' : 'ambos',
  };
}

export const runSystemAdd = dataDirCommand(
  `Uso: elo system add --id ID --participante CNPJ --nome NOME --estrutura REP:NUM[:subarvore][:envia|:recebe]… [--json]

Cadastra um sistema (o SEI ou outro sistema de processo eletrônico) de um participante, com as
estruturas pelas quais ele atua. --estrutura pode se repetir; :subarvore estende a estrutura a
todas as unidades abaixo dela; :envia ou :recebe restringem o papel (sem eles, envia e recebe).
Depois emita o certificado do sistema com "elo ca issue --sistema ID".`,
  { id: { type: 'string' }, participante: { type: 'string' }, nome: { type: 'string' }, estrutura: { type: 'string', multiple: true } },
  async ({ values, io, store }) => {
    const missing = ['id', 'participante', 'nome', 'estrutura'].filter((k) => !values[k]);
    if (missing.length) {
      io.err(`Informe ${missing.map((k) => `--${k}`).join(', ')}. Veja "elo system add --help".`);
      return EXIT_USAGE;
    }
    const estruturas = (values.estrutura as string[]).map(parseStructureOption);
    const bad = estruturas.find((e) => typeof e === 'string');
    if (bad) {
      io.err(bad as string);
      return EXIT_USAGE;
    }
    const r = await services(store).register({ id: values.id, participante: values.participante, nome: values.nome, estruturas }, OPERATOR);
    if (values.json) io.out(JSON.stringify(systemView(r.system, r.bindings), null, 2));
    else {
      io.out(`Sistema "${r.system.id}" (${r.system.nome}) cadastrado para o participante ${r.system.participantId}.`);
      for (const b of r.bindings)
        io.out(`  estrutura ${b.numero} do repositório ${b.repositoryId}${b.subtree ? ' e subárvore' : ''}: ${b.sends && b.receives ? 'envia e recebe' : b.sends ? 'envia' : 'recebe'}`);
      io.out(`Próximo passo: elo ca issue --sistema ${r.system.id}`);
    }
    return EXIT_OK;
  },
  { existing: true },
);

export const runSystemList = dataDirCommand(
  `Uso: elo system list [--json]

Lista os sistemas da federação, o participante de cada um e as estruturas pelas quais atuam.`,
  {},
  async ({ values, io, store }) => {
    const s = services(store);
    const systems = await s.list();
    const bindings = await s.bindings();
    const rows = systems.map((x) => ({ ...x, estruturas: bindings.filter((b) => b.systemId === x.id) }));
    if (values.json) io.out(JSON.stringify(systems.map((x) => systemView(x, bindings)), null, 2));
    else if (!rows.length) io.out('Nenhum sistema cadastrado.');
    else
      for (const r of rows)
        io.out(`${r.id} (${r.nome}), participante ${r.participantId}, ${r.ativo ? 'ativo' : 'inativo'}: ${r.estruturas.map((b) => `${b.repositoryId}:${b.numero}${b.subtree ? ':subarvore' : ''}${b.sends && b.receives ? '' : b.sends ? ':envia' : ':recebe'}`).join(', ')}`);
    return EXIT_OK;
  },
  { existing: true },
);
