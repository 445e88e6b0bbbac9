import { toBase64 } from '../../src/pki/encoding.ts';
import { issueCrl } from '../../src/pki/ca/crl.ts';
import { sha256 } from '../../src/pki/sha256.ts';
import { buildDossieXml, type Dossie } from '../../src/xml/dossie.ts';
import { buildPackageXml, pacoteFromStoredTramite, type Pacote } from '../../src/xml/package-xml.ts';
import { completionReceiptString, receiptDate, sendReceiptString, sortOrdinal } from '../../src/xml/receipt-strings.ts';
import { signEnveloped } from '../../src/xml/xmldsig.ts';
import { storedFixture } from '../harness/package-xml.ts';
import { makeXmlTestPki, type XmlTestPki } from './xml-pki.ts';
import { packageHashes } from '../../src/services/evidence/verify.ts';

const utf8 = new TextEncoder();
const derOf = (pem: string) => toBase64(Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));

/**
 * A complete dossiê made the way the hub makes one, on a test PKI: `rsa` plays the hub (seal,
 * send receipt, the dossiê's signature), `ec` the sending system (its signed package, ECDSA P-256),
 * `otherRsa` the receiving system (completion receipt); the CA publishes an empty CRL. Times are
 * an hour ago onwards, inside every certificate's validity.
 */
export async function makeTestDossie(opts: { pki?: XmlTestPki; revoked?: { serial: string; at: Date }[] } = {}) {
  const now = Date.now();
  const pki = opts.pki ?? (await makeXmlTestPki(new Date(now - 86_400_000)));
  const t0 = new Date(now - 3_600_000);
  const at = (min: number) => new Date(t0.getTime() + min * 60_000).toISOString();
  const stored = storedFixture('sei-processo-dois-documentos.json', { componentsCompleteAt: at(2) });
  const base = pacoteFromStoredTramite(stored);
  const senderXml = await signEnveloped(buildPackageXml(base), pki.ec.signer);
  const senderBytes = utf8.encode(senderXml);
  const pacote = { ...base, cabecalho: { ...base.cabecalho, hashDosMetadados: { algoritmo: 'SHA256', conteudo: toBase64(sha256(senderBytes)) } } } as Pacote;
  const sealed = await signEnveloped(buildPackageXml(pacote), pki.rsa.signer);
  const { IDT, NRE } = pacote.cabecalho;
  const hashes = sortOrdinal([...packageHashes(pacote)]);
  const envioData = receiptDate(new Date(at(2)));
  const envioString = sendReceiptString({ idt: IDT, nre: NRE, dataDeRecebimentoDoUltimoComponenteDigital: envioData, hashes });
  const conclusaoData = receiptDate(new Date(at(4)));
  const conclusaoString = completionReceiptString({ idt: IDT, nre: NRE, dataDeRecebimento: conclusaoData, hashes });
  const crl = await issueCrl({ issuer: pki.ca, entries: (opts.revoked ?? []).map((r) => ({ serial: r.serial, revokedAt: r.at })), at: new Date(now - 60_000) });
  const crlBytes = new Uint8Array(crl.rawData);
  const dossie: Dossie = {
    IDT,
    NRE,
    geradoEm: new Date(now - 30_000).toISOString(),
    pacoteSelado: toBase64(utf8.encode(sealed)),
    pacoteDoRemetente: toBase64(senderBytes),
    reciboDeEnvio: {
      data: envioData,
      hashes,
      stringAssinada: envioString,
      assinatura: toBase64(await pki.rsa.signer.sign(utf8.encode(envioString))),
      cadeia: [derOf(pki.rsa.certPem)],
    },
    reciboDeConclusao: {
      data: conclusaoData,
      hashes,
      stringAssinada: conclusaoString,
      assinatura: toBase64(await pki.otherRsa.signer.sign(utf8.encode(conclusaoString))),
      cadeia: [derOf(pki.otherRsa.certPem)],
      recebidoEm: at(5),
    },
    historico: [1, 2, 3, 4, 5, 6].map((situacao, i) => ({ situacao, em: at(i) })),
    lcrs: [
      {
        emissor: crl.issuer,
        emitidaEm: crl.thisUpdate.toISOString(),
        ...(crl.nextUpdate ? { proximaEm: crl.nextUpdate.toISOString() } : {}),
        sha256: toBase64(sha256(crlBytes)),
        conteudo: toBase64(crlBytes),
      },
    ],
  };
  const xml = await signEnveloped(buildDossieXml(dossie), pki.rsa.signer);
  return { pki, dossie, xml, sealed, senderXml };
}
