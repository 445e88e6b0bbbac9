import { ErroDeIntegridade, MOTIVOS_DE_RECUSA, type ClienteElo, type MotivoDeRecusa } from '../../client/index.ts';
import { CREDENTIAL_HELP, instanceCommand, UsageError } from '../instance-command.ts';
import { EXIT_OK } from '../io.ts';

/**
 * `elo robot`: a test recipient for homologation. A municipality testing its SEI alone sends to the
 * robot's unit; the robot receives whatever arrives, checks every hash and signs the completion
 * receipt, or refuses with the motivo the sender wrote in the description: `[recusar:04]` refuses
 * with motivo 04 (spec §8.3), so each path of the sender's module can be exercised on purpose.
 */
export const REFUSAL_MARKER = /\[recusar:(0[1-4]|99)\]/i;

export interface RobotOutcome {
  IDT: number;
  acao: 'concluido' | 'recusado' | 'falhou';
  motivo?: MotivoDeRecusa;
  mensagem: string;
}

/** One pass over the robot's pendências as a receiver (2, 3, 4). */
export async function robotPass(elo: ClienteElo, log: (line: string) => void): Promise<RobotOutcome[]> {
  const outcomes: RobotOutcome[] = [];
  for (const p of await elo.pendencias()) {
    if (p.status < 2 || p.status > 4) continue;
    const outcome = await answer(elo, p.IDT);
    log(outcome.mensagem);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function answer(elo: ClienteElo, idt: number): Promise<RobotOutcome> {
  try {
    const meta = await elo.metadados(idt);
    const descricao = String(meta.processo?.descricao ?? meta.documento?.descricao ?? '');
    const asked = REFUSAL_MARKER.exec(descricao)?.[1] as MotivoDeRecusa | undefined;
    if (asked) {
      await elo.recusar(idt, asked, `Recusa pedida pelo remetente para homologação (marcador [recusar:${asked}] na descrição): ${MOTIVOS_DE_RECUSA[asked]}.`);
      return { IDT: idt, acao: 'recusado', motivo: asked, mensagem: `robô: trâmite ${idt} recusado com o motivo ${asked}, como pedido na descrição.` };
    }
    try {
      const got = await elo.receber(idt);
      const r = await elo.concluir(idt);
      return { IDT: idt, acao: 'concluido', mensagem: `robô: trâmite ${idt} (NRE ${r.NRE}) recebido, ${got.componentes.length} arquivo(s) conferido(s), recibo de conclusão assinado.` };
    } catch (e) {
      if (!(e instanceof ErroDeIntegridade)) throw e;
      await elo.recusar(idt, '02', e.message);
      return { IDT: idt, acao: 'recusado', motivo: '02', mensagem: `robô: trâmite ${idt} recusado (motivo 02): ${e.message}` };
    }
  } catch (e) {
    return { IDT: idt, acao: 'falhou', mensagem: `robô: trâmite ${idt}: ${(e as Error).message}` };
  }
}

export const runRobot = instanceCommand(
  `Uso: elo robot [--intervalo SEGUNDOS] [--uma-vez] [credencial] [--json]
      (também: elo robo)

Destinatário de teste para homologação: recebe tudo o que chega às unidades do sistema, confere o
hash de cada arquivo e assina o recibo de conclusão. Para testar uma recusa, escreva na descrição
do processo (ou do documento) o marcador [recusar:CÓDIGO], com o motivo 01, 02, 03, 04 ou 99:
o robô recusa com esse motivo. Consulta as pendências a cada --intervalo segundos (padrão 5) até
ser interrompido (Ctrl+C); com --uma-vez, atende o que houver e termina.

${CREDENTIAL_HELP}`,
  { intervalo: { type: 'string' }, 'uma-vez': { type: 'boolean' } },
  async ({ values, io, elo, quem }) => {
    const seconds = values.intervalo === undefined ? 5 : Number(values.intervalo);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) throw new UsageError(`--intervalo deve ser um número de segundos entre 1 e 3600 (recebido: ${values.intervalo}).`);
    const log = (line: string) => {
      if (!values.json) io.out(line);
    };
    if (values['uma-vez']) {
      const outcomes = await robotPass(elo, log);
      if (values.json) io.out(JSON.stringify(outcomes, null, 2));
      else if (outcomes.length === 0) io.out('robô: nenhuma pendência.');
      return EXIT_OK;
    }
    log(`robô de homologação atendendo como ${quem}; consultando a cada ${seconds} s (Ctrl+C para parar).`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      while (!stop.signal.aborted) {
        for (const o of await robotPass(elo, log).catch((e: Error) => (log(`robô: ${e.message}`), [] as RobotOutcome[]))) if (values.json) io.out(JSON.stringify(o));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, seconds * 1000);
          stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    log('robô: encerrado.');
    return EXIT_OK;
  },
);
