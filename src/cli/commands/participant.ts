import type { ParseArgsConfig } from 'node:util';
import { participantLabel, participantStatusLabel, type Participant, type ParticipantAction } from '../../domain/participant.ts';
import { participantService } from '../../services/participants.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';
import { participantChangeView, participantView } from '../../http/routes/admin/views.ts';

/**
 * `elo participant …`: the federation administrator's participants, on the data folder of this
 * hub (the same service as `/admin/api/participantes`; each change is an audit event with actor
 * `cli`). The running hub sees a change at its next request.
 */
const OPERATOR = 'cli';

function participantCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: { values: Record<string, any>; io: CliIo; service: ReturnType<typeof participantService> }) => Promise<number>,
): CliCommand {
  return dataDirCommand(help, options, ({ values, io, store }) => body({ values, io, service: participantService({ store, clock: { now: () => new Date() } }) }), {
    existing: true,
  });
}

const describe = (p: Participant): string =>
  `${participantLabel(p)}: ${p.esfera}${p.uf ? `, ${p.uf}` : ''}${p.ibge ? ` (IBGE ${p.ibge})` : ''}, poder ${p.poder}; situação ${participantStatusLabel(p.status)}` +
  `${p.statusReason ? ` (${p.statusReason})` : ''} desde ${p.statusChangedAt || 'o cadastro inicial'}`;

/** As the administration API shows it (one vocabulary for scripts of either). */
const json = (p: Participant) => participantView(p);

/** "Nome,email[,telefone]" → a contact (commas inside a name are not expected in this field). */
function contact(text: string): { nome: string; email: string; telefone?: string } {
  const [nome = '', email = '', telefone] = text.split(',').map((s) => s.trim());
  return { nome, email, ...(telefone ? { telefone } : {}) };
}

export const runParticipantAdd = participantCommand(
  `Uso: elo participant add --cnpj CNPJ --nome NOME --sigla SIGLA --esfera municipal|estadual|distrital|federal
                          [--poder PODER] [--uf UF] [--ibge CÓDIGO] [--contato "Nome,e-mail[,telefone]"]…
                          [--pendente] [--motivo TEXTO] [--json]

Cadastra um participante (órgão ou entidade) da federação. O CNPJ pode ser numérico ou
alfanumérico, com ou sem pontuação; os dígitos verificadores são conferidos. A esfera municipal
exige --uf e --ibge (7 dígitos, do município da UF); a estadual, --uf. Poder: executivo (padrão),
legislativo, judiciario, ministerio_publico, tribunal_de_contas, defensoria, consorcio_publico, outro.
Cadastrado pela administração da federação, o participante fica ativo; com --pendente, aguarda
"elo participant approve".`,
  {
    cnpj: { type: 'string' },
    nome: { type: 'string' },
    sigla: { type: 'string' },
    esfera: { type: 'string' },
    poder: { type: 'string' },
    uf: { type: 'string' },
    ibge: { type: 'string' },
    contato: { type: 'string', multiple: true },
    pendente: { type: 'boolean' },
    motivo: { type: 'string' },
  },
  async ({ values, io, service }) => {
    const missing = ['cnpj', 'nome', 'sigla', 'esfera'].filter((k) => !values[k]);
    if (missing.length) {
      io.err(`Informe ${missing.map((k) => `--${k}`).join(', ')}. Veja "elo participant add --help".`);
      return EXIT_USAGE;
    }
    const input = {
      cnpj: values.cnpj,
      nome: values.nome,
      sigla: values.sigla,
      esfera: values.esfera,
      ...(values.poder ? { poder: values.poder } : {}),
      ...(values.uf ? { uf: values.uf } : {}),
      ...(values.ibge ? { ibge: values.ibge } : {}),
      contatos: ((values.contato as string[] | undefined) ?? []).map(contact),
    };
    const p = await service.register(input, OPERATOR, values.pendente ? 'pendente' : 'ativo', values.motivo);
    io.out(values.json ? JSON.stringify(json(p), null, 2) : `Participante cadastrado: ${describe(p)}.`);
    return EXIT_OK;
  },
);

function actionCommand(action: ParticipantAction, verb: string, what: string): CliCommand {
  return participantCommand(
    `Uso: elo participant ${verb} --cnpj CNPJ --motivo TEXTO [--json]

${what} O motivo fica no histórico do participante e é mostrado aos sistemas recusados.`,
    { cnpj: { type: 'string' }, motivo: { type: 'string' } },
    async ({ values, io, service }) => {
      if (!values.cnpj || !values.motivo) {
        io.err(`Informe o participante com --cnpj CNPJ e o motivo com --motivo "…". Veja "elo participant ${verb} --help".`);
        return EXIT_USAGE;
      }
      const r = await service.act(values.cnpj, action, values.motivo, OPERATOR);
      io.out(values.json ? JSON.stringify({ ...json(r.participant), situacaoAnterior: r.from }, null, 2) : `${describe(r.participant)} (era ${participantStatusLabel(r.from)}).`);
      return EXIT_OK;
    },
  );
}

export const runParticipantApprove = actionCommand('aprovar', 'approve', 'Aprova um participante pendente: seus sistemas passam a tramitar.');
export const runParticipantSuspend = actionCommand(
  'suspender',
  'suspend',
  'Suspende um participante ativo: na próxima requisição, os sistemas dele são recusados em todas as faces de transferência e as unidades dele deixam de receber trâmites. Os trâmites em andamento continuam legíveis pela outra parte.',
);
export const runParticipantReactivate = actionCommand('reativar', 'reactivate', 'Reativa um participante suspenso.');
export const runParticipantDisconnect = actionCommand('desligar', 'disconnect', 'Desliga um participante da federação, em definitivo (não há reativação).');

export const runParticipantList = participantCommand(
  `Uso: elo participant list [--json]

Lista os participantes da federação com a situação de cada um.`,
  {},
  async ({ values, io, service }) => {
    const all = await service.list();
    if (values.json) io.out(JSON.stringify(all.map(json), null, 2));
    else if (!all.length) io.out('Nenhum participante cadastrado.');
    else for (const p of all) io.out(describe(p));
    return EXIT_OK;
  },
);

export const runParticipantShow = participantCommand(
  `Uso: elo participant show --cnpj CNPJ [--json]

Mostra um participante e o histórico da situação dele (quem mudou, quando e por quê).`,
  { cnpj: { type: 'string' } },
  async ({ values, io, service }) => {
    if (!values.cnpj) {
      io.err('Informe o participante com --cnpj CNPJ.');
      return EXIT_USAGE;
    }
    const { participant, history } = await service.history(values.cnpj);
    if (values.json) io.out(JSON.stringify({ ...json(participant), historico: history.map(participantChangeView) }, null, 2));
    else {
      io.out(describe(participant));
      for (const h of history) io.out(`  ${h.at}  ${h.from ?? '—'} → ${h.to}  por ${h.actor}${h.reason ? `: ${h.reason}` : ''}`);
    }
    return EXIT_OK;
  },
);
