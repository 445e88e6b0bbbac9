import { readFileSync } from 'node:fs';
import { ErroDoHub } from './errors.ts';
import { continuarEnvio, iniciarEnvio, type EstadoDoEnvio, type OpcoesDeEnvio, type ResultadoDoEnvio } from './send.ts';
import { concluirRecebimento, consulta, receberTramite, type OpcoesDeRecebimento, type ReciboDeConclusao, type TramiteRecebido } from './receive.ts';
import { exigirSucesso, politicaPadrao, type PoliticaDeTentativas } from './retry.ts';
import { createTramitaClient, type Answer } from './tramita-client.ts';
import type { PacoteDeEnvio } from './package-folder.ts';

/**
 * Elo's client SDK: one system of a federation, authenticated by its client certificate, speaking
 * the Tramita-compatible face (spec §2) as SEI's module does. Every method either returns what the
 * hub answered or throws `ErroDoHub` (with the hub's `codigoErro`), `ErroDeConexao` (no answer
 * after the retries the protocol allows) or `ErroDeIntegridade` (bytes that do not match their hash).
 *
 * @example
 * ```ts
 * import { criarClienteElo, lerPastaDeEnvio } from 'elo/cliente';
 * const elo = criarClienteElo({
 *   hub: 'https://hub.exemplo.gov.br:8443',
 *   certificado: 'sistema.crt', chave: 'sistema.key', ac: 'federacao-ac.crt',
 * });
 * const { estado } = await elo.enviar(await lerPastaDeEnvio('processo-123'), {
 *   aoProgredir: (p) => barra.update(p.bytes / p.total),
 * });
 * for (const { IDT, status } of await elo.pendencias())
 *   if (status === 2) {
 *     const recebido = await elo.receber(IDT, { pasta: `recebidos/${IDT}` });
 *     await elo.concluir(IDT);
 *   }
 * await elo.fechar();
 * ```
 */
export interface OpcoesDoCliente {
  /** Address of the hub, e.g. `https://127.0.0.1:8443`. */
  hub: string;
  /** The system's certificate, its private key (unencrypted PEM) and the federation's CA: file paths or PEM texts. */
  certificado: string;
  chave: string;
  ac: string;
  politica?: Partial<PoliticaDeTentativas>;
}

const pemOrFile = (v: string) => (v.includes('-----BEGIN') ? v : readFileSync(v, 'utf8'));

/** Refusal motives of spec §8.3 (in this order; iterate `CODIGOS_DE_RECUSA`, since "99" sorts first as an object key). */
export const MOTIVOS_DE_RECUSA = {
  '01': 'Formato de componente digital não suportado',
  '02': 'Componente digital corrompido',
  '03': 'Falta de componentes digitais',
  '04': 'Espécie documental não mapeada no destinatário',
  '99': 'Outro',
} as const;
export type MotivoDeRecusa = keyof typeof MOTIVOS_DE_RECUSA;
export const CODIGOS_DE_RECUSA: readonly MotivoDeRecusa[] = ['01', '02', '03', '04', '99'];

export function criarClienteElo(opcoes: OpcoesDoCliente) {
  const key = pemOrFile(opcoes.chave);
  const client = createTramitaClient({ hubUrl: opcoes.hub, credentials: { cert: pemOrFile(opcoes.certificado), key, ca: pemOrFile(opcoes.ac) } });
  const politica: PoliticaDeTentativas = { ...politicaPadrao, ...opcoes.politica };
  const deps = { client, politica };
  const read = async <T>(operacao: string, f: () => Promise<Answer<T>>): Promise<T> => (await exigirSucesso(operacao, politica, true, f)).body;
  const once = async (operacao: string, f: () => Promise<Answer<unknown>>, idempotent: boolean) => void (await exigirSucesso(operacao, politica, idempotent, f));
  return {
    /** The low-level client of every endpoint, answers returned as they came (tests, tools). */
    bruto: client,
    repositorios: () => read('lista de repositórios', () => client.repositorios(true)),
    /** Structures of a repository, filtered as spec §2.3 allows (`nome`, `sigla`, `permiteRecebimento`…). */
    estruturas: (repositorio: number, filtros: Record<string, string | number | boolean | undefined> = {}) =>
      read(`busca de estruturas no repositório ${repositorio}`, () => client.estruturas(repositorio, filtros)),
    /** Starts the trâmite and uploads everything the hub asks for; returns the send receipts. */
    async enviar(pacote: PacoteDeEnvio, o: OpcoesDeEnvio = {}): Promise<ResultadoDoEnvio> {
      const estado = await iniciarEnvio(deps, pacote);
      await o.aoSalvarEstado?.(estado);
      return continuarEnvio(deps, estado, pacote, o);
    },
    /**
     * Resumes a send from a saved state: only the parts the hub never confirmed go again. A
     * trâmite that already left situação 1 just has its receipts fetched.
     */
    async retomarEnvio(estado: EstadoDoEnvio, pacote: PacoteDeEnvio, o: OpcoesDeEnvio = {}): Promise<ResultadoDoEnvio> {
      const t = await consulta(deps, estado.tramites[0]!.IDT);
      if (t.situacaoAtual === 1) return continuarEnvio(deps, estado, pacote, o);
      if (t.situacaoAtual === 7 || t.situacaoAtual === 10)
        throw new ErroDoHub('retomada do envio', 409, null, `O trâmite ${estado.tramites[0]!.IDT} foi cancelado (situação ${t.situacaoAtual}): envie o processo de novo.`, null);
      return continuarEnvio(deps, { ...estado, concluidos: estado.solicitados.map((s) => s.hash) }, pacote, o);
    },
    /** This system's pendências (spec §2.14, §5.3): `[{IDT, status}]`. */
    pendencias: () => read('lista de pendências', () => client.pendentes(true)),
    /** The trâmite as this system sees it (spec §2.17). */
    consultar: (idt: number) => consulta(deps, idt),
    /** Trâmites by NRE, protocolo or structures, newest first (spec §2.17). */
    buscarTramites: async (filtros: Record<string, string | number | undefined>) => (await read('consulta de trâmites', () => client.tramites(filtros))).tramites,
    metadados: (idt: number) => read(`metadados do trâmite ${idt}`, () => client.metadados(idt)),
    /** Downloads the pending components, each checked against its hash (memory or `pasta`). */
    receber: (idt: number, o: OpcoesDeRecebimento = {}): Promise<TramiteRecebido> => receberTramite(deps, idt, o),
    /** Signs and posts the completion receipt (spec §7.1, §2.20) with this system's key. */
    concluir: (idt: number): Promise<ReciboDeConclusao> => concluirRecebimento(deps, idt, key),
    /** Refuses a trâmite received (spec §2.22); the justificativa is cut at 1000 characters as SEI does. */
    recusar: (idt: number, motivo: MotivoDeRecusa, justificativa: string) =>
      once(`recusa do trâmite ${idt}`, () => client.recusar(idt, { motivo, justificativa: justificativa.length > 1000 ? `${justificativa.slice(0, 996)} ...` : justificativa }), false),
    /** Acknowledges the refusal of a trâmite this system sent (spec §2.23). */
    ciencia: (idt: number) => once(`ciência da recusa do trâmite ${idt}`, () => client.ciencia(idt), true),
    /** Cancels a trâmite this system sent, while in 1–4 (spec §2.24). */
    cancelar: (idt: number) => once(`cancelamento do trâmite ${idt}`, () => client.cancelar(idt), true),
    reciboDeEnvio: (idt: number) => read(`recibo de envio do trâmite ${idt}`, () => client.reciboDeEnvio(idt)),
    /** The completion receipt signed by the receiver (spec §2.21): fetching it concludes the trâmite (5 → 6). */
    reciboDeConclusao: (idt: number) => read(`recibo de conclusão do trâmite ${idt}`, () => client.recibo(idt)),
    /**
     * The dossiê of a trâmite this system sent or received: one XML document signed by the hub with
     * the package, every situação, both receipts and the audit chain's links (README "Provas"),
     * verifiable offline with `elo verify`.
     */
    dossie: (idt: number) => read(`dossiê do trâmite ${idt}`, () => client.dossie(idt)),
    fechar: () => client.close(),
  };
}

export type ClienteElo = ReturnType<typeof criarClienteElo>;
