import { createHash } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { receiptDate } from '../xml/receipt-strings.ts';
import { ErroDeIntegridade, ErroDoHub } from './errors.ts';
import { exigirSucesso, type PoliticaDeTentativas } from './retry.ts';
import { BLOCO_PADRAO, type Progresso } from './send.ts';
import { signCompletionReceipt, type TramitaClient } from './tramita-client.ts';

/**
 * Receiving a trâmite as SEI does (spec §2.16–§2.20): read the metadata (2 → 3), download every
 * pending component in ranged blocks (3 → 4 after the last), check each one's SHA-256 against
 * the metadata before keeping it, then sign and post the completion receipt (4 → 5).
 */
export interface ComponenteRecebido {
  hash: string;
  nome: string;
  /** Position of its document in the process (apensados: "apensado-N/ordem"). */
  documento: string;
  tamanho: number;
  /** The bytes, when received in memory; the file's path, when received into a folder. */
  bytes?: Uint8Array;
  caminho?: string;
}

export interface TramiteRecebido {
  IDT: number;
  NRE: string;
  metadados: Record<string, any>;
  /** What was pending for this receiver; components it already holds (envio parcial) are not here. */
  componentes: ComponenteRecebido[];
}

export interface OpcoesDeRecebimento {
  blocoBytes?: number;
  /** Write each component into this folder (memory otherwise), as it arrives, block by block. */
  pasta?: string;
  aoProgredir?: (p: Progresso) => void;
}

type Deps = { client: TramitaClient; politica: PoliticaDeTentativas };

interface DeclaredComponent {
  hash: string;
  nome: string;
  tamanho: number;
  documento: string;
}

/** Every component the metadata declares, with its document's position (spec §3.1–§3.3). */
function declaredComponents(m: Record<string, any>): DeclaredComponent[] {
  const out: DeclaredComponent[] = [];
  const ofDocument = (d: Record<string, any>, where: string) => {
    for (const c of (d.componentesDigitais ?? []) as Record<string, any>[])
      out.push({ hash: String(c.hash?.conteudo), nome: String(c.nome ?? 'componente'), tamanho: Number(c.tamanhoEmBytes), documento: where });
  };
  const ofProcess = (p: Record<string, any>, prefix: string) => {
    for (const d of (p.documentos ?? []) as Record<string, any>[]) ofDocument(d, `${prefix}${d.ordem}`);
    for (const [i, a] of ((p.processoApensado ?? []) as Record<string, any>[]).entries()) ofProcess(a, `${prefix}apensado-${i + 1}/`);
  };
  if (m.processo) ofProcess(m.processo, '');
  else if (m.documento) ofDocument(m.documento, '1');
  return out;
}

/** A name from another system made safe as one file name in our folder (no separators, no dot-dot). */
export function nomeDeArquivoSeguro(nome: string): string {
  const cleaned = nome.replace(/[\\/\x00-\x1f:*?"<>|]/g, '_').replace(/^\.+/, '_').slice(0, 150);
  return cleaned || 'componente';
}

export async function receberTramite(deps: Deps, idt: number, opcoes: OpcoesDeRecebimento = {}): Promise<TramiteRecebido> {
  const meta = await exigirSucesso(`metadados do trâmite ${idt}`, deps.politica, true, () => deps.client.metadados(idt));
  const view = await consulta(deps, idt);
  const pending = [...new Set<string>(view.hashDosComponentesPendentesDeRecebimento ?? [])];
  const declared = declaredComponents(meta.body);
  if (opcoes.pasta) await mkdir(opcoes.pasta, { recursive: true });
  const usedNames = new Set<string>();
  const fileFor = (c: DeclaredComponent): string => {
    const prefix = c.documento.replaceAll('/', '-');
    let name = `${prefix}-${nomeDeArquivoSeguro(c.nome)}`;
    for (let n = 2; usedNames.has(name); n++) name = `${prefix}-${n}-${nomeDeArquivoSeguro(c.nome)}`;
    usedNames.add(name);
    return join(opcoes.pasta!, name);
  };
  const componentes: ComponenteRecebido[] = [];
  try {
    for (const hash of pending) {
      const c = declared.find((d) => d.hash === hash) ?? { hash, nome: 'componente', tamanho: 0, documento: '?' };
      const path = opcoes.pasta ? fileFor(c) : null;
      componentes.push(await receiveComponent(deps, idt, String(view.protocolo ?? ''), c, path, opcoes));
    }
  } catch (e) {
    // a reception that fails keeps nothing: the files written so far go with it
    if (opcoes.pasta) await Promise.all([...usedNames].map((n) => rm(join(opcoes.pasta!, n), { force: true })));
    throw e;
  }
  return { IDT: idt, NRE: String(view.NRE ?? meta.body.nre), metadados: meta.body, componentes };
}

/** One component in ranged blocks, hashed as it arrives, into `path` (at each block's offset) or memory. */
async function receiveComponent(deps: Deps, idt: number, protocolo: string, c: DeclaredComponent, path: string | null, opcoes: OpcoesDeRecebimento): Promise<ComponenteRecebido> {
  const block = opcoes.blocoBytes ?? BLOCO_PADRAO;
  const size = Number.isFinite(c.tamanho) ? c.tamanho : 0;
  const h = createHash('sha256');
  const handle = path ? await open(path, 'w') : null;
  const chunks: Uint8Array[] = [];
  try {
    // a component of 0 bytes is one empty range (spec §2.19: an empty range answers "")
    for (let ini = 0; ini < size || (size === 0 && ini === 0); ini += block) {
      const fim = Math.min(ini + block, size);
      const what = `recebimento da parte ${ini}-${fim} de ${c.nome}`;
      const a = await exigirSucesso(what, deps.politica, true, () => deps.client.baixarParte(idt, c.hash, protocolo, ini, fim));
      if (!a.bytes) throw new ErroDoHub(what, a.status, null, 'O hub respondeu sem os bytes da faixa (a resposta não era uma string base64).', a.headers.get('x-request-id'));
      h.update(a.bytes);
      if (handle) await handle.write(a.bytes, 0, a.bytes.length, ini);
      else chunks.push(a.bytes);
      opcoes.aoProgredir?.({ fase: 'recebimento', IDT: idt, nome: c.nome, hash: c.hash, bytes: fim, total: size });
      if (size === 0) break;
    }
  } finally {
    await handle?.close();
  }
  const computed = h.digest('base64');
  if (computed !== c.hash) throw new ErroDeIntegridade(c.hash, computed, c.nome);
  return { hash: c.hash, nome: c.nome, documento: c.documento, tamanho: size, ...(path ? { caminho: path } : { bytes: Buffer.concat(chunks) }) };
}

/** The trâmite as `GET tramites?IDT=` shows it to this system (spec §2.17). */
export async function consulta(deps: Deps, idt: number): Promise<Record<string, any>> {
  const q = await exigirSucesso(`consulta do trâmite ${idt}`, deps.politica, true, () => deps.client.tramites({ IDT: idt }));
  const t = q.body.tramites?.[0];
  if (!t) throw new ErroDoHub(`consulta do trâmite ${idt}`, 404, null, `O trâmite ${idt} não existe ou não é visível para este sistema.`, q.headers.get('x-request-id'));
  return t;
}

export interface ReciboDeConclusao {
  IDT: number;
  NRE: string;
  dataDeRecebimento: string;
  hashes: string[];
  hashDaAssinatura: string;
}

/**
 * Signs the completion receipt exactly as spec §7.1 says (the situação-4 time at millisecond
 * precision with `.000Z`, the pending hashes in ordinal order) and posts it (4 → 5). An identical
 * repeat answers 2xx (spec §2.20), so it is retried like a read.
 */
export async function concluirRecebimento(deps: Deps, idt: number, chavePrivadaPem: string): Promise<ReciboDeConclusao> {
  const view = await consulta(deps, idt);
  const at4 = ((view.mudancasDeSituacao ?? []) as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4)?.dataHora;
  if (!at4) throw new ErroDoHub(`recibo de conclusão do trâmite ${idt}`, 409, null, `O trâmite ${idt} está na situação ${view.situacaoAtual}: o recibo de conclusão só pode ser enviado depois de recebidos todos os componentes (situação 4).`, null);
  const dataDeRecebimento = receiptDate(new Date(at4));
  // the list as the hub shows it, repeats included: the hub rebuilds the string from the same list
  const hashes = (view.hashDosComponentesPendentesDeRecebimento ?? []) as string[];
  const NRE = String(view.NRE);
  const hashDaAssinatura = await signCompletionReceipt(chavePrivadaPem, { idt, nre: NRE, dataDeRecebimento, hashes });
  await exigirSucesso(`recibo de conclusão do trâmite ${idt}`, deps.politica, true, () => deps.client.enviarRecibo(idt, { dataDeRecebimento, hashDaAssinatura }));
  return { IDT: idt, NRE, dataDeRecebimento, hashes, hashDaAssinatura };
}
