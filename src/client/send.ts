import { answeredOk, hubRefusal } from './errors.ts';
import { ErroNoPacote, type PacoteDeEnvio } from './package-folder.ts';
import { comTentativas, exigirSucesso, type PoliticaDeTentativas } from './retry.ts';
import type { Answer, TramitaClient } from './tramita-client.ts';

/**
 * Sending a package: start the trâmite, upload what the hub requested, fetch the send receipt
 * (spec §2.8–§2.13). Components larger than one block go in ranged parts (§2.11), and each part the
 * hub confirmed is recorded in `EstadoDoEnvio`: after a broken connection only the parts without a
 * confirmation are sent again, within this run (retries) or in a later one (`continuarEnvio` with
 * the state the caller saved through `aoSalvarEstado`).
 */
export interface EstadoDoEnvio {
  /** One trâmite for a process; one per destination for a documento avulso (spec §2.9). */
  tramites: { IDT: number; NRE: string }[];
  ticket: string;
  /** The hashes the hub asked for, with the protocolo of the process each belongs to. */
  solicitados: { hash: string; protocolo: string }[];
  /** Half-open ranges "ini-fim" the hub confirmed, by hash. */
  partesConfirmadas: Record<string, string[]>;
  /** Hashes the hub holds whole (whole upload answered, or the ranged upload's end signalled). */
  concluidos: string[];
}

export interface Progresso {
  fase: 'envio' | 'recebimento';
  IDT: number;
  nome: string;
  hash: string;
  /** Bytes of this component done so far, and its size. */
  bytes: number;
  total: number;
}

export interface OpcoesDeEnvio {
  /** Part size for ranged uploads; components up to this size go whole. Default 50 MiB, as SEI's. */
  blocoBytes?: number;
  aoProgredir?: (p: Progresso) => void;
  /** Called after every confirmation, so that a crashed sender can resume with `continuarEnvio`. */
  aoSalvarEstado?: (e: EstadoDoEnvio) => void | Promise<void>;
}

export interface ResultadoDoEnvio {
  estado: EstadoDoEnvio;
  /** The hub's signed send receipt of each trâmite (spec §2.13, §7.3), verbatim. */
  recibosDeEnvio: Record<string, any>[];
  /** Parts and whole uploads the hub confirmed in this run (resume tests count them). */
  enviosConfirmados: number;
}

export const BLOCO_PADRAO = 50 * 1024 * 1024;

type Deps = { client: TramitaClient; politica: PoliticaDeTentativas };


/** Starts the trâmite (never retried blindly: see retry.ts) and returns the state to upload from. */
export async function iniciarEnvio(deps: Deps, pacote: PacoteDeEnvio): Promise<EstadoDoEnvio> {
  const avulso = !pacote.corpo.processo;
  const started = avulso ? await deps.client.iniciarDocumento(pacote.corpo) : await deps.client.iniciarProcesso(pacote.corpo);
  if (!answeredOk(started)) throw hubRefusal('início do trâmite', started);
  const b = started.body as Record<string, any>;
  if (avulso) {
    const protocolo = String(pacote.corpo.documento?.protocolo ?? '');
    return {
      tramites: (b.tramites as { IDT: number; NRE: string }[]).map((t) => ({ IDT: t.IDT, NRE: t.NRE })),
      ticket: String(b.ticketParaEnvioDeComponentesDigitais),
      solicitados: [...pacote.arquivos.keys()].map((hash) => ({ hash, protocolo })),
      partesConfirmadas: {},
      concluidos: [],
    };
  }
  const seen = new Set<string>();
  const solicitados: { hash: string; protocolo: string }[] = [];
  // Each hash goes once, with the protocolo of the process whose entry lists it last: the first
  // entry repeats the apensados' hashes (spec §2.8), the apensado's own entry is the precise one.
  for (const entry of (b.processosComComponentesDigitaisSolicitados ?? []) as { protocolo: string; hashes: string[] }[])
    for (const hash of entry.hashes) {
      if (seen.has(hash)) solicitados.find((s) => s.hash === hash)!.protocolo = entry.protocolo;
      else solicitados.push({ hash, protocolo: entry.protocolo });
      seen.add(hash);
    }
  return { tramites: [{ IDT: b.IDT, NRE: b.NRE }], ticket: String(b.ticketParaEnvioDeComponentesDigitais), solicitados, partesConfirmadas: {}, concluidos: [] };
}

/** Uploads what the state says is still missing, then fetches the send receipts. */
export async function continuarEnvio(deps: Deps, estado: EstadoDoEnvio, pacote: PacoteDeEnvio, opcoes: OpcoesDeEnvio = {}): Promise<ResultadoDoEnvio> {
  const block = opcoes.blocoBytes ?? BLOCO_PADRAO;
  const idt = estado.tramites[0]!.IDT;
  let confirmed = 0;
  const save = async () => opcoes.aoSalvarEstado?.(estado);
  for (const { hash, protocolo } of estado.solicitados) {
    if (estado.concluidos.includes(hash)) continue;
    const source = pacote.arquivos.get(hash);
    if (!source) throw new ErroNoPacote(`O hub pediu o componente de hash ${hash} (protocolo ${protocolo}), que não está no pacote: confira se os arquivos da pasta são os dos metadados.`);
    const progress = (bytes: number) => opcoes.aoProgredir?.({ fase: 'envio', IDT: idt, nome: source.nome, hash, bytes, total: source.tamanho });
    if (source.tamanho > 0 && source.tamanho <= block) {
      const bytes = await source.ler(0, source.tamanho);
      const a = await comTentativas(`envio de ${source.nome}`, deps.politica, true, () => deps.client.enviarComponente(estado.ticket, { bytes, hash, protocolo }));
      if (!answeredOk(a) && !(await acceptedEarlier(deps, a, idt))) throw hubRefusal(`envio de ${source.nome}`, a);
      confirmed++;
    } else {
      const done = new Set(estado.partesConfirmadas[hash] ?? []);
      let sent = 0;
      for (const r of done) sent += rangeLength(r);
      progress(sent);
      for (let ini = 0; ini < source.tamanho; ini += block) {
        const fim = Math.min(ini + block, source.tamanho);
        const range = `${ini}-${fim}`;
        if (done.has(range)) continue;
        const bytes = await source.ler(ini, fim);
        await exigirSucesso(`envio da parte ${range} de ${source.nome}`, deps.politica, true, () => deps.client.enviarParte(estado.ticket, ini, fim, { bytes, hash, protocolo }));
        confirmed++;
        done.add(range);
        (estado.partesConfirmadas[hash] ??= []).push(range);
        sent += fim - ini;
        progress(sent);
        await save();
      }
      const end = await comTentativas(`término do envio de ${source.nome}`, deps.politica, true, () => deps.client.terminarEnvio(estado.ticket, { hash, protocolo }));
      if (!answeredOk(end) && !(await acceptedEarlier(deps, end, idt))) throw hubRefusal(`término do envio de ${source.nome}`, end);
    }
    estado.concluidos.push(hash);
    delete estado.partesConfirmadas[hash];
    progress(source.tamanho);
    await save();
  }
  const recibosDeEnvio: Record<string, any>[] = [];
  for (const t of estado.tramites) {
    recibosDeEnvio.push((await exigirSucesso(`recibo de envio do trâmite ${t.IDT}`, deps.politica, true, () => deps.client.reciboDeEnvio(t.IDT))).body);
  }
  return { estado, recibosDeEnvio, enviosConfirmados: confirmed };
}

/**
 * A 409 after an upload the SDK may have repeated: the first attempt was applied but its answer
 * lost, the component was the last one, and the trâmite moved on to 2 (spec §2.10, §2.12).
 */
async function acceptedEarlier(deps: Deps, a: Answer<unknown>, idt: number): Promise<boolean> {
  if (a.status !== 409) return false;
  const q = await comTentativas(`consulta do trâmite ${idt}`, deps.politica, true, () => deps.client.tramites({ IDT: idt }));
  const situacao = q.body?.tramites?.[0]?.situacaoAtual;
  return typeof situacao === 'number' && situacao >= 2 && situacao <= 6;
}

const rangeLength = (r: string) => {
  const [a, b] = r.split('-').map(Number);
  return (b ?? 0) - (a ?? 0);
};
