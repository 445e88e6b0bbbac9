import { expect } from 'vitest';
import { bytesOf, processoBody, sha256b64, type TestDocument } from '../../harness/packages.ts';
import { ESTADO, expect2xx, MUNICIPIO, type Ctx, type SystemId } from './context.ts';
import { queryString, uploadForm, V3, type RawConnection } from './http.ts';
import { completionString, receiptDateOf, signRsaSha256 } from './receipts.ts';

/**
 * Drives trâmites through the normal flow of spec §2 ("sender 2.8 → 2.10, receiver 2.14 → 2.16 →
 * 2.17 → 2.19 → 2.17 → 2.20; sender 2.14 → 2.21"), one step per function, each step checked.
 */

export type Unit = [number, string];
export type Json = Record<string, any>;

export interface Tramite {
  idt: number;
  nre: string;
  ticket: string;
  protocolo: string;
  sender: SystemId;
  receiver: SystemId;
  /** The request body as sent. */
  body: Json;
  /** The `POST tramites/processo` answer. */
  started: Json;
  /** Bytes of every component of the package, by hash. */
  bytes: Map<string, Uint8Array>;
  /** Hashes the hub requested (union of every entry, in order, without repeats). */
  requested: string[];
  /** Protocolo of the entry of `processosComComponentesDigitaisSolicitados` naming each hash. */
  protocoloOf: Map<string, string>;
}

export interface StartOptions {
  remetente?: Unit;
  destinatario?: Unit;
  documentos?: TestDocument[];
  protocolo?: string;
  nre?: string;
  /** `cabecalho.enviarApenasComponentesDigitaisPendentes` (spec §6.2). */
  parcial?: boolean;
  /** Last-minute changes to the body (unknown fields, quirks, apensados…). */
  edit?: (body: Json) => void;
  /** Extra bytes by hash, for components added by `edit`. */
  extraBytes?: Map<string, Uint8Array>;
}

/** The SPE owning a unit of the demo federation (repository 100 → estado, 200 → municipio). */
export const ownerOf = (u: Unit): SystemId => (u[0] === 100 ? ESTADO : MUNICIPIO);

/** One small document with bytes unique to this hub. */
export const smallDoc = (ctx: Ctx, size = 64): TestDocument => ({ bytes: [bytesOf(size, ctx.seed())] });

export function buildProcesso(ctx: Ctx, o: StartOptions = {}) {
  const remetente = o.remetente ?? [100, '1002'];
  const destinatario = o.destinatario ?? [200, '2002'];
  const protocolo = o.protocolo ?? ctx.protocolo();
  const pkg = processoBody({
    protocolo,
    remetente,
    destinatario,
    documentos: o.documentos ?? [smallDoc(ctx)],
    ...(o.nre ? { nre: o.nre } : {}),
  });
  const body = pkg.body as Json;
  if (o.parcial) body.cabecalho.enviarApenasComponentesDigitaisPendentes = true;
  o.edit?.(body);
  const bytes = new Map(pkg.components.map((c) => [c.hash, c.bytes]));
  for (const [h, b] of o.extraBytes ?? []) bytes.set(h, b);
  return { body, bytes, protocolo, remetente, destinatario };
}

/** `POST tramites/processo` (spec §2.8), expected to succeed. */
export async function start(ctx: Ctx, o: StartOptions = {}): Promise<Tramite> {
  const p = buildProcesso(ctx, o);
  const sender = ownerOf(p.remetente);
  const r = await ctx.client(sender).iniciarProcesso(p.body);
  expect(r.status, r.text).toBe(200);
  return fromStart(p, r.body, sender, ownerOf(p.destinatario));
}

export function fromStart(
  p: { body: Json; bytes: Map<string, Uint8Array>; protocolo: string },
  started: Json,
  sender: SystemId,
  receiver: SystemId,
): Tramite {
  const protocoloOf = new Map<string, string>();
  for (const entry of (started.processosComComponentesDigitaisSolicitados ?? []) as { protocolo: string; hashes: string[] }[])
    for (const h of entry.hashes) if (!protocoloOf.has(h)) protocoloOf.set(h, entry.protocolo);
  return {
    idt: started.IDT,
    nre: started.NRE,
    ticket: String(started.ticketParaEnvioDeComponentesDigitais),
    protocolo: p.protocolo,
    sender,
    receiver,
    body: p.body,
    started,
    bytes: p.bytes,
    requested: [...protocoloOf.keys()],
    protocoloOf,
  };
}

/** `GET tramites?IDT=` (spec §2.17) as `system` sees it. */
export async function view(ctx: Ctx, tr: Pick<Tramite, 'idt' | 'sender'>, system: SystemId = tr.sender): Promise<Json> {
  const r = await ctx.client(system).tramites({ IDT: tr.idt });
  expect(r.status, r.text).toBe(200);
  const found = r.body.tramites.find((x) => x.IDT === tr.idt);
  expect(found, `IDT ${tr.idt} not listed for ${system}: ${r.text}`).toBeDefined();
  return found!;
}

export const situacao = async (ctx: Ctx, tr: Pick<Tramite, 'idt' | 'sender'>, system?: SystemId) =>
  (await view(ctx, tr, system)).situacaoAtual as number;

export const history = async (ctx: Ctx, tr: Pick<Tramite, 'idt' | 'sender'>, system?: SystemId) =>
  ((await view(ctx, tr, system)).mudancasDeSituacao as { situacao: number }[]).map((m) => m.situacao);

/** Whole upload of every requested hash (spec §2.10). */
export async function upload(ctx: Ctx, tr: Tramite): Promise<void> {
  for (const h of tr.requested) {
    const bytes = tr.bytes.get(h);
    expect(bytes, `no bytes for requested hash ${h}`).toBeDefined();
    const r = await ctx.client(tr.sender).enviarComponente(tr.ticket, { bytes: bytes!, hash: h, protocolo: tr.protocoloOf.get(h)! });
    expect2xx(r, `upload ${h}`);
  }
}

/** `GET tramites/{idt}` by the receiver (spec §2.16). */
export async function fetchMetadata(ctx: Ctx, tr: Tramite): Promise<Json> {
  const r = await ctx.client(tr.receiver).metadados(tr.idt);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** Downloads every pending hash in one range each (spec §2.19); returns the pending list read. */
export async function downloadAll(ctx: Ctx, tr: Tramite): Promise<string[]> {
  const pending = (await view(ctx, tr, tr.receiver)).hashDosComponentesPendentesDeRecebimento as string[];
  for (const h of new Set(pending)) {
    const bytes = tr.bytes.get(h);
    expect(bytes, `no bytes for pending hash ${h}`).toBeDefined();
    const r = await ctx.client(tr.receiver).baixarParte(tr.idt, h, tr.protocolo, 0, bytes!.length);
    expect(r.status, r.text).toBe(200);
    expect(sha256b64(r.bytes!)).toBe(h);
  }
  return pending;
}

export interface SignedReceipt {
  dataDeRecebimento: string;
  hashes: string[];
  signed: string;
  hashDaAssinatura: string;
}

/**
 * Builds the completion receipt exactly as SEI does (spec §7.1) from what the receiver reads in
 * `GET tramites` — the situação-4 entry and `hashDosComponentesPendentesDeRecebimento` — and signs
 * it with the receiver system's key. `hashes` overrides the set (to exercise §7.2 candidates).
 */
export async function signReceipt(ctx: Ctx, tr: Tramite, o: { hashes?: string[]; dataDeRecebimento?: string; keyOf?: SystemId } = {}): Promise<SignedReceipt> {
  const v = await view(ctx, tr, tr.receiver);
  const at4 = (v.mudancasDeSituacao as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4);
  expect(at4, `no situação-4 entry in ${JSON.stringify(v.mudancasDeSituacao)}`).toBeDefined();
  const dataDeRecebimento = o.dataDeRecebimento ?? receiptDateOf(at4!.dataHora);
  const hashes = o.hashes ?? (v.hashDosComponentesPendentesDeRecebimento as string[]);
  const signed = completionString({ idt: tr.idt, nre: tr.nre, dataDeRecebimento, hashes });
  const hashDaAssinatura = signRsaSha256(ctx.t.creds[o.keyOf ?? tr.receiver]!.key, signed);
  return { dataDeRecebimento, hashes, signed, hashDaAssinatura };
}

/** `POST tramites/{idt}/recibo` with a valid receipt (spec §2.20): 4 → 5. */
export async function sendReceipt(ctx: Ctx, tr: Tramite, o: { hashes?: string[] } = {}): Promise<SignedReceipt> {
  const s = await signReceipt(ctx, tr, o);
  const r = await ctx.client(tr.receiver).enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura });
  expect2xx(r, 'POST recibo');
  return s;
}

/** `GET tramites/{idt}/recibo` by the sender (spec §2.21): 5 → 6. */
export async function fetchReceipt(ctx: Ctx, tr: Tramite): Promise<Json> {
  const r = await ctx.client(tr.sender).recibo(tr.idt);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** `POST tramites/{idt}/recusa` (spec §2.22). */
export const refuse = (ctx: Ctx, tr: Tramite, motivo = '99', justificativa = 'Recusado pelo teste de conformidade.', system: SystemId = tr.receiver) =>
  ctx.client(system).call('POST', `tramites/${tr.idt}/recusa`, { json: { justificativa, motivo } });

/** `GET tramites/{idt}/ciencia` (spec §2.23). */
export const ciencia = (ctx: Ctx, tr: Tramite, system: SystemId = tr.sender) => ctx.client(system).call('GET', `tramites/${tr.idt}/ciencia`);

/** `DELETE tramites/{idt}` (spec §2.24). */
export const cancel = (ctx: Ctx, tr: Tramite, system: SystemId = tr.sender) => ctx.client(system).call('DELETE', `tramites/${tr.idt}`);

export type Target = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * A new trâmite driven to situação `target` through the protocol itself: 7 is a cancel in 1
 * (`cancelFrom` picks another), 8 a refusal in 3, 9 the ciência of that refusal.
 */
export async function driveTo(ctx: Ctx, target: Target, o: StartOptions & { cancelFrom?: 1 | 2 | 3 | 4 } = {}): Promise<Tramite> {
  const tr = await start(ctx, o);
  const steps: Record<number, () => Promise<unknown>> = {
    2: () => upload(ctx, tr),
    3: () => fetchMetadata(ctx, tr),
    4: () => downloadAll(ctx, tr),
    5: () => sendReceipt(ctx, tr),
    6: () => fetchReceipt(ctx, tr),
  };
  const upTo = target === 7 ? (o.cancelFrom ?? 1) : target === 8 || target === 9 ? 3 : target;
  for (let s = 2; s <= upTo; s++) await steps[s]!();
  if (target === 7) expect2xx(await cancel(ctx, tr), 'DELETE tramite');
  if (target === 8 || target === 9) expect2xx(await refuse(ctx, tr), 'POST recusa');
  if (target === 9) expect2xx(await ciencia(ctx, tr), 'GET ciencia');
  expect(await situacao(ctx, tr)).toBe(target);
  return tr;
}

/** Path of the ranged upload of a ticket (spec §2.11, §2.12), relative to a base. */
export const partsPath = (ticket: string) => `tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar/partes`;

/**
 * `PUT …/partes/{ini}-{fim}` (spec §2.11) over `conn`: multipart with `conteudo` (labelled
 * `arquivo_externo.html`, `text/html`, as SEI does) and the two fields, or only `conteudo` with the
 * fields as query parameters.
 */
export function uploadPart(
  conn: RawConnection,
  p: { ticket: string; ini: number; fim: number; bytes: Uint8Array; hash: string; protocolo: string; asQuery?: boolean; base?: string },
) {
  const q = p.asQuery ? queryString({ hashDoComponenteDigital: p.hash, protocolo: p.protocolo }) : '';
  const form = p.asQuery ? uploadForm({ bytes: p.bytes }) : uploadForm({ bytes: p.bytes, hash: p.hash, protocolo: p.protocolo });
  return conn.request('PUT', `${p.base ?? V3}${partsPath(p.ticket)}/${p.ini}-${p.fim}${q}`, { body: form });
}

/** `POST …/partes/sinalizacao-termino-envio` (spec §2.12). */
export function finishUpload(conn: RawConnection, p: { ticket: string; hash: string; protocolo: string; base?: string }) {
  return conn.request('POST', `${p.base ?? V3}${partsPath(p.ticket)}/sinalizacao-termino-envio`, {
    body: JSON.stringify({ hashDoComponenteDigital: p.hash, protocolo: p.protocolo }),
  });
}

/** Ranges `[0,B)`, `[B,2B)`, … covering `size`, the last one shorter (spec §2.11, §2.19). */
export function blocks(size: number, block: number): [number, number][] {
  const out: [number, number][] = [];
  for (let ini = 0; ini < size; ini += block) out.push([ini, Math.min(size, ini + block)]);
  return out;
}
