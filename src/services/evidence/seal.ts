import { EloError } from '../../domain/errors.ts';
import type { TramiteComponent, TramiteRecord } from '../../domain/tramite.ts';
import { INLINE_START_BODY_BYTES } from '../../domain/tramita/index.ts';
import type { SignerAlgorithm } from '../../pki/signer.ts';
import { toBase64 } from '../../pki/encoding.ts';
import { sha256 } from '../../pki/sha256.ts';
import type { SealRecord, Store } from '../../store/index.ts';
import { buildPackageXml, pacoteFromStoredTramite, readPackageXml, type Pacote } from '../../xml/package-xml.ts';
import { prepareEnveloped, signatureElement, verifyEnveloped } from '../../xml/xmldsig.ts';
import type { ServiceDeps } from '../deps.ts';

const utf8 = new TextEncoder();

/** How many unsealed trâmites one sweep seals at most (the next sweep takes the rest). */
export const SEAL_SWEEP_LIMIT = 100;

export interface PackageOfTramite {
  pacote: Pacote;
  /** The sender's signed package, its exact stored bytes, for a native-face trâmite (`xml-assinado`). */
  senderSigned: Uint8Array | null;
}

/**
 * The package model of a trâmite whose components are complete (issue 11 items 1–3): from the
 * stored JSON body (Tramita face), or from what the sender's signature covers in its stored XML
 * (native face, `metadataFormat: 'xml-assinado'`: verified again here, read only from
 * `signedXml`, never from the document's own nodes). The header's hub facts — NRE, IDT, the time
 * the hub held every component and the hash of the stored bytes — always come from the record.
 */
export async function packageOfTramite(deps: Pick<ServiceDeps, 'store' | 'blobs'>, t: TramiteRecord): Promise<PackageOfTramite> {
  const body = await deps.blobs.readAll(t.metadataBlobKey);
  const components = await deps.store.tramites.components(t.idt);
  return { pacote: await pacoteOf({ body, tramite: t, components }), senderSigned: t.metadataFormat === 'xml-assinado' ? body : null };
}

/** What a seal is made from: the stored metadata bytes, the record and its components. No I/O: it runs in a worker too. */
export interface SealWork {
  body: Uint8Array;
  tramite: TramiteRecord;
  components: readonly TramiteComponent[];
}

/** packageOfTramite's model from what was read (pure but for WebCrypto, so a worker thread can run it). */
export async function pacoteOf({ body, tramite: t, components }: SealWork): Promise<Pacote> {
  if (t.metadataFormat !== 'xml-assinado') return pacoteFromStoredTramite({ body, tramite: t, components });
  const verified = await verifyEnveloped(new TextDecoder().decode(body), { keyInfoLeaf: true });
  if (!verified.ok)
    throw new EloError(
      'sender_package_unverifiable',
      `O pacote assinado pelo remetente do trâmite ${t.idt}, como armazenado, não confere mais com a sua assinatura (${verified.error.code}). Verifique a integridade da pasta de dados (elo data-dir check).`,
      { idt: t.idt, motivo: verified.error.code },
    );
  const read = readPackageXml(verified.value.signedXml);
  if (!read.ok) throw read.error;
  const pacote = read.value;
  if (t.componentsCompleteAt === null)
    throw new EloError('stored_package_unreadable', `O pacote do trâmite ${t.idt} ainda não tem os componentes digitais completos.`, { idt: t.idt });
  const cabecalho = {
    ...pacote.cabecalho,
    NRE: t.nre,
    IDT: t.idt,
    dataDeRecebimentoDoUltimoComponenteDigital: t.componentsCompleteAt,
    hashDosMetadados: { algoritmo: 'SHA256', conteudo: toBase64(sha256(body)) },
  };
  return { ...pacote, cabecalho } as Pacote;
}

/**
 * A seal without its signature value: the package XML as UTF-8 bytes before and after the place
 * of the Signature, and the SignedInfo the hub's key signs. Moving whole byte buffers, not a
 * 10 MB string, between a worker and the main thread costs nothing.
 */
export interface PreparedSeal {
  head: Uint8Array;
  tail: Uint8Array;
  signedInfo: string;
  toSign: Uint8Array;
}

/** Builds the package XML of `work` and prepares its enveloped signature for `algorithm` (the heavy part of a seal). */
export async function prepareSeal(work: SealWork, algorithm: SignerAlgorithm): Promise<PreparedSeal> {
  const p = await prepareEnveloped(buildPackageXml(await pacoteOf(work)), algorithm);
  return { head: utf8.encode(p.head), tail: utf8.encode(p.tail), signedInfo: p.signedInfo, toSign: p.toSign };
}

/** Prepares seals (services' default: in this thread; the hub's: a worker thread, runtime/seal-worker.ts). */
export type SealPreparer = (work: SealWork, algorithm: SignerAlgorithm) => Promise<PreparedSeal>;

/**
 * Hub seals (issue 11 item 2): once a trâmite's components are complete, on either face, the
 * hub signs its package XML (enveloped XMLDSig, RSA-SHA256, KeyInfo with its chain) and keeps the
 * exact bytes as a blob with a row naming them. RSA PKCS#1 v1.5 is deterministic and the package
 * XML is written one way only, so the same package always gives the same seal.
 *
 * Sealing never fails the transfer: it runs after the commit of the move that completed the
 * components, a failure is logged, and the sweep seals whatever was left unsealed (a crash
 * between the commit and the seal, a failed write). `seal` is idempotent: a trâmite sealed once
 * keeps its seal, and two nodes sealing at once store the same bytes under the same key.
 */
export function sealService(deps: ServiceDeps) {
  const { tramites, seals } = deps.store as Store;
  /** Seals in progress in this process, so a trâmite is not signed twice at once. */
  const inFlight = new Map<number, Promise<SealRecord | null>>();

  /** Trâmites this process found too large to seal now: logged once, skipped by the sweep. */
  const tooLarge = new Set<number>();
  const bound = deps.settings?.sealMaxMetadataBytes;

  async function sealNow(idt: number): Promise<SealRecord | null> {
    const existing = await seals.get(idt);
    if (existing) return existing;
    if (tooLarge.has(idt)) return null;
    const t = await tramites.get(idt);
    if (!t || t.componentsCompleteAt === null) return null;
    const size = bound === undefined ? null : await deps.blobs.size(t.metadataBlobKey);
    if (bound !== undefined && size !== null && size > bound) {
      tooLarge.add(idt);
      deps.log({ level: 'warn', event: 'tramite.selo_adiado', data: { idt, bytes: size, limite: bound } });
      return null;
    }
    const work: SealWork = { body: await deps.blobs.readAll(t.metadataBlobKey), tramite: t, components: await tramites.components(t.idt) };
    // a small package is sealed right here (about 10 ms for 30 documents); a large one in the
    // runtime's seal thread, when there is one, as start bodies are analysed (INLINE_START_BODY_BYTES)
    const prepare = work.body.byteLength <= INLINE_START_BODY_BYTES || !deps.sealPreparer ? prepareSeal : deps.sealPreparer;
    const prepared = await prepare(work, deps.hubSigner.algorithm ?? 'rsa-sha256');
    const signature = signatureElement({ signedInfo: prepared.signedInfo, prefix: undefined }, await deps.hubSigner.sign(prepared.toSign), deps.hubSigner.chainPem);
    const parts = [prepared.head, utf8.encode(signature), prepared.tail] as Uint8Array<ArrayBuffer>[];
    const bytes = parts.reduce((n, x) => n + x.byteLength, 0);
    const staged = await deps.blobs.stage(new Blob(parts).stream(), bytes);
    const blobKey = await deps.blobs.commit(staged);
    const record: SealRecord = { idt, blobKey, sha256: staged.sha256, sealedAt: deps.clock.now().toISOString() };
    if (await seals.save(record)) {
      deps.log({ level: 'info', event: 'tramite.selado', data: { idt, bytes } });
      return record;
    }
    return seals.get(idt); // another node sealed it first: the same bytes, its row stands
  }

  /** The trâmite's seal, made now when it is due and missing; null while its components are incomplete. */
  function seal(idt: number): Promise<SealRecord | null> {
    let p = inFlight.get(idt);
    if (!p) {
      p = sealNow(idt).finally(() => inFlight.delete(idt));
      inFlight.set(idt, p);
    }
    return p;
  }

  /** Seals after a commit: every failure is logged, never thrown (the sweep retries). */
  async function sealQuietly(idt: number): Promise<void> {
    try {
      await seal(idt);
    } catch (e) {
      deps.log({
        level: 'error',
        event: 'tramite.selo_falhou',
        data: { idt, codigo: e instanceof EloError ? e.code : undefined, mensagem: (e instanceof Error ? e.message : String(e)).slice(0, 300) },
      });
    }
  }

  return {
    seal,
    sealQuietly,
    /** Seals complete trâmites that have no seal yet (at most SEAL_SWEEP_LIMIT per call); how many it sealed. */
    async sweep(limit = SEAL_SWEEP_LIMIT): Promise<number> {
      let sealed = 0;
      // those too large to seal stay unsealed: asked for past them, so they never crowd out the rest
      for (const idt of (await seals.unsealed(limit + tooLarge.size)).filter((i) => !tooLarge.has(i)).slice(0, limit)) {
        await sealQuietly(idt);
        if (await seals.get(idt)) sealed++;
      }
      return sealed;
    },
    /** Whether this trâmite's metadata is above the bound the hub seals (ELO_SEAL_MAX_METADATA_MB). */
    isTooLarge: (idt: number): boolean => tooLarge.has(idt),
    /** The exact bytes of a trâmite's seal, sealing it first when due; null while incomplete. */
    async sealedBytes(idt: number): Promise<{ record: SealRecord; bytes: Uint8Array } | null> {
      const record = await seal(idt);
      return record ? { record, bytes: await deps.blobs.readAll(record.blobKey) } : null;
    },
  };
}

export type SealService = ReturnType<typeof sealService>;
