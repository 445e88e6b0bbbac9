import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErroDeIntegridade, impressaoDigitalDaAssinatura, type ClienteElo, type Progresso } from '../../client/index.ts';
import { CREDENTIAL_HELP, idtArgument, instanceCommand } from '../instance-command.ts';
import { EXIT_FAILED, EXIT_OK } from '../io.ts';
import { progressBars } from '../progress-bars.ts';

/** What `elo receive` did with one pendência (spec §5.3). */
interface Handled {
  IDT: number;
  status: number;
  acao: 'recebido' | 'recusado' | 'concluido' | 'ciencia' | 'ignorado' | 'falhou';
  pasta?: string;
  mensagem: string;
}

export const runReceive = instanceCommand(
  `Uso: elo receive [--saida PASTA] [--idt IDT] [credencial] [--json]
      (também: elo receber)

Atende as pendências deste sistema, como o SEI faz:
  - trâmites recebidos (situações 2 a 4): baixa os metadados e os arquivos, confere o hash de cada
    um, grava tudo em PASTA/IDT/ (metadados.json e componentes/) e envia o recibo de conclusão
    assinado com a chave do sistema (recibo-de-conclusao.json). Um arquivo corrompido não é
    guardado: o trâmite é recusado com o motivo 02.
  - trâmites enviados e concluídos pelo destinatário (5): busca o recibo de conclusão e o grava em
    PASTA/enviados/IDT/.
  - trâmites enviados e recusados (8): mostra a justificativa e dá ciência da recusa.
--saida: padrão "recebidos" na pasta atual. --idt: só a pendência desse trâmite.

${CREDENTIAL_HELP}`,
  { saida: { type: 'string' }, idt: { type: 'string' } },
  async ({ values, io, elo }) => {
    const saida = resolve(io.cwd, values.saida ?? 'recebidos');
    const only = values.idt === undefined ? null : idtArgument(values.idt);
    const pending = (await elo.pendencias()).filter((p) => only === null || p.IDT === only);
    const bars = progressBars(io, Boolean(values.json));
    const handled: Handled[] = [];
    try {
      for (const p of pending) handled.push(await handle(elo, p, saida, bars.aoProgredir));
    } finally {
      bars.parar();
    }
    if (values.json) io.out(JSON.stringify(handled, null, 2));
    else if (handled.length === 0) io.out(only === null ? 'Nenhuma pendência para este sistema.' : `O trâmite ${only} não tem pendência para este sistema.`);
    else for (const h of handled) io.out(h.mensagem);
    return handled.some((h) => h.acao === 'falhou' || h.acao === 'recusado') ? EXIT_FAILED : EXIT_OK;
  },
);

async function handle(elo: ClienteElo, p: { IDT: number; status: number }, saida: string, aoProgredir: ((p: Progresso) => void) | undefined): Promise<Handled> {
  const base = { IDT: p.IDT, status: p.status };
  try {
    if (p.status >= 2 && p.status <= 4) {
      const folder = join(saida, String(p.IDT));
      await mkdir(folder, { recursive: true });
      try {
        const got = await elo.receber(p.IDT, { pasta: join(folder, 'componentes'), ...(aoProgredir ? { aoProgredir } : {}) });
        await writeFile(join(folder, 'metadados.json'), JSON.stringify(got.metadados, null, 2) + '\n');
        const r = await elo.concluir(p.IDT);
        const receipt = { recibo: { IDT: r.IDT, NRE: r.NRE, dataDeRecebimento: r.dataDeRecebimento, hashesDosComponentesDigitais: r.hashes }, hashDaAssinatura: r.hashDaAssinatura };
        await writeFile(join(folder, 'recibo-de-conclusao.json'), JSON.stringify(receipt, null, 2) + '\n');
        const what = got.metadados.processo ? `processo ${got.metadados.processo.protocolo}` : 'documento avulso';
        return {
          ...base,
          acao: 'recebido',
          pasta: folder,
          mensagem: `Trâmite ${p.IDT} (NRE ${r.NRE}, ${what}) recebido: ${got.componentes.length} arquivo(s) em ${folder}; recibo de conclusão enviado (assinatura ${impressaoDigitalDaAssinatura(r.hashDaAssinatura)}).`,
        };
      } catch (e) {
        if (!(e instanceof ErroDeIntegridade)) throw e;
        // as SEI does when a reception fails: refuse, saying why, so the sender can send again
        await elo.recusar(p.IDT, '02', e.message);
        return { ...base, acao: 'recusado', pasta: folder, mensagem: `Trâmite ${p.IDT} recusado (motivo 02, componente corrompido): ${e.message}` };
      }
    }
    if (p.status === 5) {
      const receipt = await elo.reciboDeConclusao(p.IDT);
      const folder = join(saida, 'enviados', String(p.IDT));
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'recibo-de-conclusao.json'), JSON.stringify(receipt, null, 2) + '\n');
      return { ...base, acao: 'concluido', pasta: folder, mensagem: `Trâmite ${p.IDT} concluído pelo destinatário: recibo de conclusão gravado em ${folder} (assinatura ${impressaoDigitalDaAssinatura(String(receipt.hashDaAssinatura))}).` };
    }
    if (p.status === 8) {
      const t = await elo.consultar(p.IDT);
      await elo.ciencia(p.IDT);
      return { ...base, acao: 'ciencia', mensagem: `Trâmite ${p.IDT} recusado pelo destinatário: ${String(t.justificativaDaRecusa ?? '(sem justificativa)').replace(/\.$/, '')}. Ciência da recusa registrada.` };
    }
    return { ...base, acao: 'ignorado', mensagem: `Trâmite ${p.IDT} (situação ${p.status}) aguarda o envio dos arquivos por este sistema: rode "elo send" na pasta do processo para retomar.` };
  } catch (e) {
    return { ...base, acao: 'falhou', mensagem: `Trâmite ${p.IDT}: ${(e as Error).message}` };
  }
}
