import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import { fromBase64, pemBlocks, toBase64, toHex } from '../../pki/encoding.ts';
import { sha256 } from '../../pki/sha256.ts';
import { readCertificates } from '../../pki/verify/index.ts';
import { nameKey } from '../../pki/verify/names.ts';
import { toCertificates, toCrls } from '../../pki/verify/parse.ts';
import type { X509Certificate, X509Crl } from '../../pki/x509.ts';
import { buildDossieXml, type Dossie, type DossieLcr, type DossiePontoDeControle, type DossieRecibo } from '../../xml/dossie.ts';
import { receiptDate, sendReceiptString, sortOrdinal } from '../../xml/receipt-strings.ts';
import { signEnveloped, verifyEnveloped } from '../../xml/xmldsig.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty } from '../transfers/guards.ts';
import type { SealService } from './seal.ts';

/**
 * The latest hub-signed audit checkpoint covering a trâmite (issue 11 item 7), when the audit
 * chain provides one; the dossiê carries it so that partners hold witnesses.
 */
export type CheckpointSource = (idt: number) => Promise<DossiePontoDeControle | null>;

const utf8 = new TextEncoder();

/** Base64 DER of every certificate of a PEM bundle, in its order. */
function chainDer(pem: string): string[] {
  const blocks = pemBlocks(pem);
  return blocks.ok ? blocks.value.filter((b) => b.label === 'CERTIFICATE').map((b) => toBase64(b.der)) : [];
}

/** The CRL number (RFC 5280 §5.2.3), hex, when the CRL carries one. */
function crlNumber(crl: X509Crl): string | undefined {
  const ext = crl.extensions.find((e) => e.type === '2.5.29.20');
  if (!ext) return undefined;
  const der = new Uint8Array(ext.value);
  if (der[0] !== 0x02 || der.length < 3 || der[1]! + 2 !== der.length) return undefined;
  return toHex(der.subarray(2)).toUpperCase();
}

/**
 * The dossiê of a trâmite (issue 11 item 4): the hub's sealed package, the sender's signed
 * package where there is one, both protocol receipts with their strings, signatures and chains,
 * the situação history, the CRLs that tell the revocation status of every certificate in it, and
 * the audit checkpoint slot — one XML document signed by the hub (docs/dossie-xml.md).
 */
export function dossieService(deps: ServiceDeps, seals: SealService, checkpoint?: CheckpointSource) {
  const { tramites } = deps.store;

  /** The send receipt as served to the sender (spec §2.13, §7.3), made and kept now when it was never asked for. */
  async function sendReceipt(t: TramiteRecord) {
    const stored = await tramites.getSendReceipt(t.idt);
    if (stored || !t.componentsCompleteAt) return stored;
    const hashes = sortOrdinal((await tramites.components(t.idt)).filter((c) => c.requested).map((c) => c.hash));
    const data = receiptDate(new Date(t.componentsCompleteAt));
    const signedString = sendReceiptString({ idt: t.idt, nre: t.nre, dataDeRecebimentoDoUltimoComponenteDigital: data, hashes });
    const signature = await deps.hubSigner.sign(utf8.encode(signedString));
    await tramites.saveSendReceipt(t.idt, { dataDeRecebimentoDoUltimoComponenteDigital: data, hashes, signedString, hashDaAssinatura: toBase64(signature), chainPem: deps.hubSigner.chainPem });
    return tramites.getSendReceipt(t.idt);
  }

  /** A chain completed with the hub's known intermediates up to the last certificate's issuer. */
  function completeChain(der: string[], intermediates: X509Certificate[]): string[] {
    const out = [...der];
    for (let i = 0; i < 4; i++) {
      const last = out.length ? readCertificates(fromBase64(out[out.length - 1]!) ?? new Uint8Array()) : null;
      const cert = last?.ok ? last.value[0] : undefined;
      if (!cert || nameKey(cert.subjectName) === nameKey(cert.issuerName)) break;
      const next = intermediates.find((c) => nameKey(c.subjectName) === nameKey(cert.issuerName) && !out.includes(toBase64(new Uint8Array(c.rawData))));
      if (!next) break;
      out.push(toBase64(new Uint8Array(next.rawData)));
    }
    return out;
  }

  async function build(t: TramiteRecord): Promise<string> {
    const sealed = await seals.sealedBytes(t.idt);
    if (!sealed && seals.isTooLarge(t.idt))
      throw new EloError(
        'dossie_unavailable',
        `O dossiê do trâmite ${t.idt} não pode ser montado: os metadados deste trâmite passam do tamanho que o hub sela (ELO_SEAL_MAX_METADATA_MB), e o dossiê parte do pacote selado. Os recibos do protocolo continuam valendo; peça ao administrador do hub para aumentar o limite.`,
        { idt: t.idt },
      );
    if (!sealed)
      throw new EloError(
        'dossie_unavailable',
        `O dossiê do trâmite ${t.idt} ainda não existe: o hub ainda não recebeu todos os componentes digitais, e o dossiê parte do pacote selado. Peça-o depois que o trâmite passar da situação 1.`,
        { idt: t.idt, situacao: t.situacao },
      );
    const intermediates = (await deps.trust.intermediates()).flatMap((c) => {
      const r = toCertificates(c);
      return r.ok ? r.value : [];
    });
    const chains: string[][] = [];
    const d: Dossie = {
      IDT: t.idt,
      NRE: t.nre,
      geradoEm: deps.clock.now().toISOString(),
      pacoteSelado: toBase64(sealed.bytes),
      historico: (await tramites.history(t.idt)).map((h) => ({ situacao: h.situacao, em: h.at })),
      lcrs: [],
    };
    chains.push(completeChain(chainDer(deps.hubSigner.chainPem), intermediates));
    if (t.metadataFormat === 'xml-assinado') {
      const bytes = await deps.blobs.readAll(t.metadataBlobKey);
      d.pacoteDoRemetente = toBase64(bytes);
      const v = await verifyEnveloped(new TextDecoder().decode(bytes), { keyInfoLeaf: true });
      if (v.ok) chains.push(v.value.certificates.map((c) => toBase64(new Uint8Array(c.rawData))));
    }
    const envio = await sendReceipt(t);
    if (envio) {
      const r: DossieRecibo = {
        data: envio.dataDeRecebimentoDoUltimoComponenteDigital,
        hashes: envio.hashes,
        stringAssinada: envio.signedString,
        assinatura: envio.hashDaAssinatura,
        cadeia: completeChain(chainDer(envio.chainPem), intermediates),
      };
      chains.push(r.cadeia);
      d.reciboDeEnvio = r;
    }
    const conclusao = await tramites.getCompletionReceipt(t.idt);
    if (conclusao) {
      const r: DossieRecibo = {
        data: conclusao.dataDeRecebimento,
        hashes: conclusao.hashes,
        stringAssinada: conclusao.signedString,
        assinatura: conclusao.hashDaAssinatura,
        cadeia: completeChain(chainDer(conclusao.signerChainPem), intermediates),
        recebidoEm: conclusao.receivedAt,
      };
      chains.push(r.cadeia);
      d.reciboDeConclusao = r;
    }
    d.lcrs = await revocationData(chains);
    const ponto = checkpoint ? await checkpoint(t.idt) : null;
    if (ponto) d.pontoDeControle = ponto;
    return signEnveloped(buildDossieXml(d), deps.hubSigner);
  }

  /** The CRLs the hub holds for the issuers of the dossiê's certificates (each once). */
  async function revocationData(chains: string[][]): Promise<DossieLcr[]> {
    const issuers = new Set<string>();
    for (const der of new Set(chains.flat())) {
      const r = readCertificates(fromBase64(der) ?? new Uint8Array());
      if (r.ok) issuers.add(nameKey(r.value[0]!.issuerName));
    }
    const out: DossieLcr[] = [];
    const seen = new Set<string>();
    for (const input of await deps.trust.crls()) {
      const r = toCrls(input);
      for (const crl of r.ok ? r.value : []) {
        if (!issuers.has(nameKey(crl.issuerName))) continue;
        const bytes = new Uint8Array(crl.rawData);
        const conteudo = toBase64(bytes);
        if (seen.has(conteudo)) continue;
        seen.add(conteudo);
        const numero = crlNumber(crl);
        out.push({
          emissor: crl.issuer,
          ...(numero === undefined ? {} : { numero }),
          emitidaEm: crl.thisUpdate.toISOString(),
          ...(crl.nextUpdate ? { proximaEm: crl.nextUpdate.toISOString() } : {}),
          sha256: toBase64(sha256(bytes)),
          conteudo,
        });
      }
    }
    return out;
  }

  return {
    /** For the sender or the receiver system (mTLS); anyone else gets the 404 of a missing IDT. */
    async forSystem(caller: Caller, idt: number): Promise<string> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender', 'receiver']);
      return build(t);
    },
    /** For an `admin` or `monitor` token (the route checks the role). */
    async forOperator(idt: number): Promise<string> {
      return build(await loadTramite(tramites, idt));
    },
  };
}
