import { CODIGOS_DE_RECUSA, MOTIVOS_DE_RECUSA, type MotivoDeRecusa } from '../../client/index.ts';
import { situacaoNome, type Situacao } from '../../domain/situacao.ts';
import { CREDENTIAL_HELP, idtArgument, instanceCommand, UsageError } from '../instance-command.ts';
import { EXIT_OK } from '../io.ts';

/** `elo status`, `elo refuse`, `elo cancel`: one trâmite, as this system sees it. */
const unit = (u: { identificacaoDoRepositorioDeEstruturas?: unknown; numeroDeIdentificacaoDaEstrutura?: unknown } | undefined) =>
  u ? `${u.identificacaoDoRepositorioDeEstruturas}/${u.numeroDeIdentificacaoDaEstrutura}` : '?';

function describe(t: Record<string, any>): string {
  const s = t.situacaoAtual as Situacao;
  return [
    `Trâmite ${t.IDT} — NRE ${t.NRE} — protocolo ${t.protocolo}`,
    `  situação ${s}: ${situacaoNome[s] ?? 'desconhecida'}`,
    `  de ${unit(t.remetente)} para ${unit(t.destinatario)}`,
    ...((t.mudancasDeSituacao ?? []) as { situacao: Situacao; dataHora: string }[]).map((m) => `  ${m.dataHora}  ${m.situacao} ${situacaoNome[m.situacao] ?? ''}`),
    ...(t.justificativaDaRecusa ? [`  justificativa da recusa: ${t.justificativaDaRecusa}`] : []),
  ].join('\n');
}

export const runStatus = instanceCommand(
  `Uso: elo status IDT|NRE [credencial] [--json]
      (também: elo situacao)

Mostra a situação de um trâmite (pelo IDT) ou de todos os trâmites de um NRE (16 dígitos) em que
este sistema é remetente ou destinatário, com o histórico de mudanças de situação.

${CREDENTIAL_HELP}`,
  {},
  async ({ values, positionals, io, elo }) => {
    const [id, extra] = positionals;
    if (!id || extra) throw new UsageError('Informe um IDT ou um NRE: elo status 1000000123.');
    const tramites = /^\d{16}$/.test(id) ? await elo.buscarTramites({ NRE: id }) : [await elo.consultar(idtArgument(id))];
    if (tramites.length === 0) throw new UsageError(`Nenhum trâmite do NRE ${id} é visível para este sistema.`);
    io.out(values.json ? JSON.stringify(tramites, null, 2) : tramites.map(describe).join('\n\n'));
    return EXIT_OK;
  },
  { positionals: true },
);

export const runRefuse = instanceCommand(
  `Uso: elo refuse IDT --motivo CÓDIGO [--justificativa TEXTO] [credencial] [--json]
      (também: elo recusar)

Recusa um trâmite recebido por este sistema (situações 3 e 4). Motivos:
${CODIGOS_DE_RECUSA.map((code) => `  ${code}  ${MOTIVOS_DE_RECUSA[code]}`).join('\n')}
Sem --justificativa, vai o texto do motivo. O remetente vê a recusa e dá ciência dela.

${CREDENTIAL_HELP}`,
  { motivo: { type: 'string' }, justificativa: { type: 'string' } },
  async ({ values, positionals, io, elo }) => {
    const [id, extra] = positionals;
    if (extra) throw new UsageError(`Argumento inesperado: ${extra}. Informe só o IDT.`);
    const idt = idtArgument(id);
    const motivo = String(values.motivo ?? '').padStart(2, '0') as MotivoDeRecusa;
    if (!CODIGOS_DE_RECUSA.includes(motivo)) throw new UsageError(`Informe --motivo com um destes códigos: ${CODIGOS_DE_RECUSA.join(', ')}.`);
    await elo.recusar(idt, motivo, values.justificativa ?? MOTIVOS_DE_RECUSA[motivo]);
    const t = await elo.consultar(idt);
    io.out(values.json ? JSON.stringify(t, null, 2) : `Trâmite ${idt} recusado (motivo ${motivo}: ${MOTIVOS_DE_RECUSA[motivo]}).\n${describe(t)}`);
    return EXIT_OK;
  },
  { positionals: true },
);

export const runCancel = instanceCommand(
  `Uso: elo cancel IDT [credencial] [--json]
      (também: elo cancelar)

Cancela um trâmite enviado por este sistema, enquanto não concluído (situações 1 a 4). O
destinatário deixa de vê-lo como pendência.

${CREDENTIAL_HELP}`,
  {},
  async ({ values, positionals, io, elo }) => {
    const [id, extra] = positionals;
    if (extra) throw new UsageError(`Argumento inesperado: ${extra}. Informe só o IDT.`);
    const idt = idtArgument(id);
    await elo.cancelar(idt);
    const t = await elo.consultar(idt);
    io.out(values.json ? JSON.stringify(t, null, 2) : `Trâmite ${idt} cancelado.\n${describe(t)}`);
    return EXIT_OK;
  },
  { positionals: true },
);
