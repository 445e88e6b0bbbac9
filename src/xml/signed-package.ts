/**
 * The sender-signed package of the native face (issue 11, item 3; README "Pacotes assinados na
 * face nativa"): a package XML (`urn:elo:pacote:1`) with one enveloped XMLDSig signature by the
 * sending system's own certificate. Read it only through here: the business data comes from the
 * canonical content the signature covers, never from the received tree (signature wrapping).
 */
import { EloError } from '../domain/errors.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SignerAlgorithm } from '../pki/signer.ts';
import type { X509Certificate } from '../pki/x509.ts';
import { guardXml, type XmlLimits } from './guard.ts';
import type { Pacote } from './package/model.ts';
import { readPackageXml } from './package/read.ts';
import { tramitaStartBody } from './package/to-tramita.ts';
import { exclusiveC14n } from './c14n.ts';
import { parseSignatureTree } from './signature-tree.ts';
import { DSIG_NS } from './xmldsig-algorithms.ts';
import { verifyEnveloped } from './xmldsig-verify.ts';

export interface SignedPackage {
  /** The package as signed (read from the signed content). */
  pacote: Pacote;
  /** The same package as the Tramita start body (xml/package/to-tramita.ts). */
  startBody: Uint8Array;
  algorithm: SignerAlgorithm;
}

const refused = (code: ConstructorParameters<typeof EloError>[0], message: string) => err(new EloError(code, message));

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The rules a sender's package follows beyond the schema: the hub fills the IDT, the components'
 * date and `hashDosMetadados` (which is the hash of a Tramita JSON body, and there is none).
 */
function senderRules(p: Pacote): Result<Pacote, EloError> {
  const c = p.cabecalho;
  if (c.IDT !== 0)
    return refused('signed_package_refused', `O pacote assinado traz IDT ${c.IDT} no cabeçalho; quem inicia um trâmite ainda não tem IDT. Escreva 0 em /pacote/cabecalho/IDT e assine de novo.`);
  if (c.hashDosMetadados)
    return refused('signed_package_refused', 'O pacote assinado traz /pacote/cabecalho/hashDosMetadados, que só existe no pacote de um trâmite iniciado por JSON na face Tramita. Retire o elemento e assine de novo.');
  return ok(p);
}

/**
 * Checks a package signed by the sending system and reads it: UTF-8, the hardened XML guard and
 * the strict enveloped signature (xmldsig-verify.ts, which runs guardXml before any parser), by
 * `certificate` (the one the system presented over mTLS: a package signed by another system,
 * even one of the federation, is refused), then the package read from the signed content only.
 * Every refusal is a catalogued EloError value.
 *
 * @example
 * const r = await readSignedPackage(body, new X509Certificate(caller.certificate.pem));
 * if (!r.ok) throw r.error;
 * await start.startProcesso({ caller, rawBody: r.value.startBody, stored: { bytes: body, format: 'xml-assinado' } });
 */
export async function readSignedPackage(
  bytes: Uint8Array,
  certificate: X509Certificate,
  limits?: Partial<XmlLimits>,
): Promise<Result<SignedPackage, EloError>> {
  const text = utf8(bytes);
  if (text === null) return refused('xml_malformed', 'O pacote assinado não está em UTF-8. Gere-o em UTF-8 e assine de novo.');
  const verified = await verifyEnveloped(text, { certificate }, limits ? { limits } : {});
  if (!verified.ok) return refused(verified.error.code, verified.error.message);
  const read = readPackageXml(verified.value.signedXml);
  if (!read.ok) return read;
  const checked = senderRules(read.value);
  if (!checked.ok) return checked;
  return ok({ pacote: checked.value, startBody: tramitaStartBody(checked.value), algorithm: verified.value.algorithm });
}

/**
 * The canonical content a stored, already verified package's signature covers (the root without
 * its Signature, exclusive c14n as in xmldsig-verify.ts), read again without the key: the
 * signature was checked, against the sender's mTLS certificate, when the package arrived.
 */
function signedContentOfStored(text: string): Result<string, string> {
  const guarded = guardXml(text);
  if (!guarded.ok) return err(guarded.error.message);
  const parsed = parseSignatureTree(text);
  if (!parsed.ok) return err(parsed.error.message);
  const root = parsed.value;
  const signatures = root.childNodes.filter((n) => n.nodeType === 1 && n.localName === 'Signature' && n.namespaceURI === DSIG_NS);
  if (signatures.length !== 1) return err('o pacote armazenado não tem exatamente uma assinatura');
  root.removeChild(signatures[0]!);
  return ok(exclusiveC14n(root));
}

/**
 * The package model of a stored sender-signed package (`TramiteRecord.metadataFormat`
 * `xml-assinado`), read from its signed content exactly as at the start, so the Tramita body
 * mapped from it is the one the start analysed. Throws `stored_package_unreadable` (9066) when
 * the stored bytes no longer read (a damaged data folder).
 *
 * @example
 * const body = tramitaStartBody(storedSignedPackage(await blobs.readAll(t.metadataBlobKey), t.idt));
 */
export function storedSignedPackage(bytes: Uint8Array, idt: number): Pacote {
  const unreadable = (what: string) =>
    new EloError(
      'stored_package_unreadable',
      `O pacote assinado armazenado do trâmite ${idt} não pôde ser lido de novo: ${what}. Verifique a integridade da pasta de dados (elo data-dir check).`,
      { idt },
    );
  const text = utf8(bytes);
  if (text === null) throw unreadable('não está em UTF-8');
  const content = signedContentOfStored(text);
  if (!content.ok) throw unreadable(content.error);
  const read = readPackageXml(content.value);
  if (!read.ok) throw unreadable(read.error.mensagem);
  return read.value;
}
