/**
 * The dossiê of a trâmite (issue 11 item 4; docs/dossie-xml.md; federation/schemas/dossie.xsd):
 * everything a third party needs to check, offline and years later, what Elo received, what it
 * stated and what each party signed. Inner artefacts that carry their own signature (the sealed
 * package, the sender's package, a checkpoint) are base64 of their exact bytes: embedded as XML,
 * an enveloped signature with URI="" would refer to the dossiê, and xmlsec1 checks only the first
 * signature it meets. The dossiê's own signature — the hub's, enveloped over the whole document —
 * is the only XMLDSig signature in it.
 */
import { err, ok, type Result } from '../domain/result.ts';
import { toBase64 } from '../pki/encoding.ts';
import { sha256 } from '../pki/sha256.ts';
import { escapeText } from './package/xml-text.ts';
import { parseStrict } from './parse.ts';
import { DSIG_NS } from './xmldsig-algorithms.ts';

/** Namespace of the dossiê; a new version is a new namespace. */
export const DOSSIE_NS = 'urn:elo:dossie:1';

/** A protocol receipt as signed (spec §7): the exact string, its signature, the signer's chain. */
export interface DossieRecibo {
  /** The signed date: `dataDeRecebimentoDoUltimoComponenteDigital` (§7.3) or `dataDeRecebimento` (§7.1). */
  data: string;
  /** Hashes the string lists, in the string's order (ordinal, §7.1), repetitions kept. */
  hashes: string[];
  /** The exact string signed (spec §7.1, §7.3). */
  stringAssinada: string;
  /** RSA PKCS#1 v1.5 SHA-256 signature over the UTF-8 string, base64. */
  assinatura: string;
  /** Signer certificate then its intermediates, base64 DER each. */
  cadeia: string[];
  /** When the hub received it (completion receipt only). */
  recebidoEm?: string;
}

/** A CRL used for a certificate of the dossiê: the CRL itself (base64 DER) with its facts for people. */
export interface DossieLcr {
  emissor: string;
  /** CRL number (RFC 5280 §5.2.3), hex, when the CRL has one. */
  numero?: string;
  emitidaEm: string;
  proximaEm?: string;
  /** SHA-256 of the DER, base64. */
  sha256: string;
  conteudo: string;
}

/**
 * The latest audit-chain checkpoint covering the trâmite (issue 11 item 7), signed by the hub:
 * which chain, up to which sequence number and hash, when, and the signed checkpoint's exact
 * bytes (base64). Optional until the audit chain exists.
 */
/**
 * A hub-signed checkpoint of the audit log (domain/audit-chain.ts `checkpointBytes`): the hub
 * signed (cadeia, sequencia, hash, em) with RSA-SHA256; whoever holds it can later show that the
 * chain's event nº `sequencia` had that hash, and the trâmite's last event (`ultimoEventoDoTramite`,
 * at most `sequencia`) lies under it.
 */
export interface DossiePontoDeControle {
  cadeia: string;
  sequencia: number;
  hash: string;
  em: string;
  ultimoEventoDoTramite: number;
  /** RSA-SHA256 over the checkpoint's bytes, base64. */
  assinatura: string;
  /** The signer's certificate and intermediates, base64 DER, leaf first. */
  cadeiaDeCertificados: string[];
}

export interface Dossie {
  IDT: number;
  NRE: string;
  geradoEm: string;
  /** The hub's sealed package XML, base64 of its exact bytes. */
  pacoteSelado: string;
  /** The sender's signed package XML (native face), base64 of its exact bytes. */
  pacoteDoRemetente?: string;
  reciboDeEnvio?: DossieRecibo;
  reciboDeConclusao?: DossieRecibo;
  historico: { situacao: number; em: string }[];
  lcrs: DossieLcr[];
  pontoDeControle?: DossiePontoDeControle;
  /** Read back only: the SHA-256 of each part as the hub wrote it (absent when building). */
  resumos?: { parte: string; sha256: string }[];
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const el = (name: string, text: string | number) => `<${name}>${escapeText(String(text))}</${name}>`;

function recibo(name: string, r: DossieRecibo): string {
  return (
    `<${name}>` +
    el('data', r.data) +
    `<hashes>${r.hashes.map((h) => el('hash', h)).join('')}</hashes>` +
    el('stringAssinada', r.stringAssinada) +
    el('assinatura', r.assinatura) +
    `<cadeia>${r.cadeia.map((c) => el('certificado', c)).join('')}</cadeia>` +
    (r.recebidoEm === undefined ? '' : el('recebidoEm', r.recebidoEm)) +
    `</${name}>`
  );
}

/** The parts of a dossiê, each with the name `elo verify` reports it by, in document order. */
export const DOSSIE_PARTS = {
  cabecalho: 'cabeçalho',
  pacoteSelado: 'pacote selado',
  pacoteDoRemetente: 'pacote do remetente',
  reciboDeEnvio: 'recibo de envio',
  reciboDeConclusao: 'recibo de conclusão',
  historico: 'histórico',
  revogacao: 'revogação',
  pontoDeControle: 'ponto de controle',
} as const;

export type DossiePart = keyof typeof DOSSIE_PARTS;

/**
 * The XML text of each part present, as the one writer writes it. The dossiê lists the SHA-256 of
 * each (`<resumos>`): covered by the hub's signature like everything else, they let `elo verify`
 * name the part that changed when the dossiê's signature no longer holds.
 */
export function dossieParts(d: Dossie): { part: DossiePart; xml: string }[] {
  const out: { part: DossiePart; xml: string }[] = [];
  out.push({ part: 'cabecalho', xml: el('IDT', d.IDT) + el('NRE', d.NRE) + el('geradoEm', d.geradoEm) });
  out.push({ part: 'pacoteSelado', xml: el('pacoteSelado', d.pacoteSelado) });
  if (d.pacoteDoRemetente !== undefined) out.push({ part: 'pacoteDoRemetente', xml: el('pacoteDoRemetente', d.pacoteDoRemetente) });
  if (d.reciboDeEnvio) out.push({ part: 'reciboDeEnvio', xml: recibo('reciboDeEnvio', d.reciboDeEnvio) });
  if (d.reciboDeConclusao) out.push({ part: 'reciboDeConclusao', xml: recibo('reciboDeConclusao', d.reciboDeConclusao) });
  out.push({ part: 'historico', xml: `<historico>${d.historico.map((h) => `<mudanca>${el('situacao', h.situacao)}${el('em', h.em)}</mudanca>`).join('')}</historico>` });
  out.push({
    part: 'revogacao',
    xml: `<revogacao>${d.lcrs
      .map(
        (l) =>
          `<lcr>${el('emissor', l.emissor)}${l.numero === undefined ? '' : el('numero', l.numero)}${el('emitidaEm', l.emitidaEm)}` +
          `${l.proximaEm === undefined ? '' : el('proximaEm', l.proximaEm)}${el('sha256', l.sha256)}${el('conteudo', l.conteudo)}</lcr>`,
      )
      .join('')}</revogacao>`,
  });
  if (d.pontoDeControle) {
    const p = d.pontoDeControle;
    out.push({
      part: 'pontoDeControle',
      xml:
        `<pontoDeControle>${el('cadeia', p.cadeia)}${el('sequencia', p.sequencia)}${el('hash', p.hash)}${el('em', p.em)}` +
        `${el('ultimoEventoDoTramite', p.ultimoEventoDoTramite)}${el('assinatura', p.assinatura)}` +
        `<cadeiaDeCertificados>${p.cadeiaDeCertificados.map((c) => el('certificado', c)).join('')}</cadeiaDeCertificados></pontoDeControle>`,
    });
  }
  return out;
}

/** SHA-256 (base64) of a part's XML text, UTF-8. */
export const partDigest = (xml: string): string => toBase64(sha256(new TextEncoder().encode(xml)));

/**
 * The dossiê's XML text, unsigned: the hub signs it with signEnveloped. One writer, elements in
 * the schema's order, no whitespace between them.
 *
 * @example
 * const xml = await signEnveloped(buildDossieXml(dossie), hubSigner);
 */
export function buildDossieXml(d: Dossie): string {
  const parts = dossieParts(d);
  const resumos = parts.map((p) => `<resumo>${el('parte', p.part)}${el('sha256', partDigest(p.xml))}</resumo>`).join('');
  return `${DECLARATION}<dossie xmlns="${DOSSIE_NS}">${parts.map((p) => p.xml).join('')}<resumos>${resumos}</resumos></dossie>`;
}

/** Where a dossiê could not be read, for `elo verify` to name the part. */
export interface DossieReadError {
  parte: string;
  message: string;
}

class Refused {
  constructor(readonly parte: string, readonly message: string) {}
}

function children(e: Element): Element[] {
  const out: Element[] = [];
  for (let c = e.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) {
      const x = c as Element;
      if (x.namespaceURI !== DOSSIE_NS) throw new Refused(e.localName ?? '?', `o elemento ${x.nodeName} não é do espaço de nomes ${DOSSIE_NS}`);
      out.push(x);
    } else if (c.nodeType === 3 && /^\s*$/.test(c.nodeValue ?? '')) continue;
    else if (c.nodeType !== 3) throw new Refused(e.localName ?? '?', 'há conteúdo que não é elemento nem texto');
    else throw new Refused(e.localName ?? '?', 'há texto entre os elementos');
  }
  return out;
}

function text(e: Element, parte: string): string {
  let raw = '';
  for (let c = e.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 3 && c.nodeType !== 4) throw new Refused(parte, `${e.localName} deve conter só texto`);
    raw += c.nodeValue ?? '';
  }
  return raw;
}

/** Reads the children of `e` in order against a list of names (`?` optional, `*` repeated). */
function take(e: Element, names: string[], parte: string): Map<string, Element[]> {
  const kids = children(e);
  const got = new Map<string, Element[]>();
  let i = 0;
  for (const spec of names) {
    const name = spec.replace(/[?*]$/, '');
    const many = spec.endsWith('*');
    const optional = spec.endsWith('?') || many;
    const list: Element[] = [];
    while (i < kids.length && kids[i]!.localName === name) {
      list.push(kids[i]!);
      i++;
      if (!many) break;
    }
    if (list.length === 0 && !optional) throw new Refused(parte, `falta o elemento ${name} em ${e.localName}`);
    got.set(name, list);
  }
  if (i < kids.length) throw new Refused(parte, `o elemento ${kids[i]!.localName} não cabe em ${e.localName} (fora de ordem ou desconhecido)`);
  return got;
}

const first = (m: Map<string, Element[]>, name: string): Element | undefined => m.get(name)?.[0];
const str = (m: Map<string, Element[]>, name: string, parte: string): string => text(first(m, name)!, parte);
const opt = (m: Map<string, Element[]>, name: string, parte: string): string | undefined => {
  const e = first(m, name);
  return e ? text(e, parte) : undefined;
};

function readRecibo(e: Element, parte: string): DossieRecibo {
  const m = take(e, ['data', 'hashes', 'stringAssinada', 'assinatura', 'cadeia', 'recebidoEm?'], parte);
  const hashes = take(first(m, 'hashes')!, ['hash*'], parte).get('hash')!.map((h) => text(h, parte));
  const cadeia = take(first(m, 'cadeia')!, ['certificado*'], parte).get('certificado')!.map((c) => text(c, parte));
  const recebidoEm = opt(m, 'recebidoEm', parte);
  return {
    data: str(m, 'data', parte),
    hashes,
    stringAssinada: str(m, 'stringAssinada', parte),
    assinatura: str(m, 'assinatura', parte),
    cadeia,
    ...(recebidoEm === undefined ? {} : { recebidoEm }),
  };
}

/**
 * Reads a dossiê from the canonical XML its verified signature covers (`VerifiedXml.signedXml`):
 * never from the received document's nodes, so what is read is what was signed. `elo verify`
 * also reads a document whose signature failed (guarded first), only to name the part that
 * changed: its verdict is a failure already.
 */
export function readDossieXml(signedXml: string): Result<Dossie, DossieReadError> {
  const parsed = parseStrict(signedXml);
  if (!parsed.ok) return err({ parte: 'dossiê', message: parsed.error.message });
  const root = parsed.value.documentElement!;
  // Read from a document whose signature failed (to name what changed), its Signature is skipped.
  for (let c = root.firstChild; c; ) {
    const next = c.nextSibling;
    if (c.nodeType === 1 && (c as Element).namespaceURI === DSIG_NS && (c as Element).localName === 'Signature') root.removeChild(c);
    c = next;
  }
  if (root.namespaceURI !== DOSSIE_NS || root.localName !== 'dossie') return err({ parte: 'dossiê', message: `o elemento raiz não é dossie de ${DOSSIE_NS}` });
  try {
    const m = take(
      root,
      ['IDT', 'NRE', 'geradoEm', 'pacoteSelado', 'pacoteDoRemetente?', 'reciboDeEnvio?', 'reciboDeConclusao?', 'historico', 'revogacao', 'pontoDeControle?', 'resumos'],
      'dossiê',
    );
    const idt = str(m, 'IDT', 'dossiê');
    if (!/^[1-9][0-9]{0,15}$/.test(idt)) throw new Refused('dossiê', `IDT "${idt.slice(0, 20)}" não é um número`);
    const historico = take(first(m, 'historico')!, ['mudanca*'], 'histórico')
      .get('mudanca')!
      .map((h) => {
        const x = take(h, ['situacao', 'em'], 'histórico');
        const s = str(x, 'situacao', 'histórico');
        if (!/^[0-9]{1,2}$/.test(s)) throw new Refused('histórico', `situação "${s.slice(0, 10)}" não é um número`);
        return { situacao: Number(s), em: str(x, 'em', 'histórico') };
      });
    const lcrs = take(first(m, 'revogacao')!, ['lcr*'], 'revogação')
      .get('lcr')!
      .map((l) => {
        const x = take(l, ['emissor', 'numero?', 'emitidaEm', 'proximaEm?', 'sha256', 'conteudo'], 'revogação');
        const numero = opt(x, 'numero', 'revogação');
        const proximaEm = opt(x, 'proximaEm', 'revogação');
        return {
          emissor: str(x, 'emissor', 'revogação'),
          ...(numero === undefined ? {} : { numero }),
          emitidaEm: str(x, 'emitidaEm', 'revogação'),
          ...(proximaEm === undefined ? {} : { proximaEm }),
          sha256: str(x, 'sha256', 'revogação'),
          conteudo: str(x, 'conteudo', 'revogação'),
        };
      });
    const d: Dossie = {
      IDT: Number(idt),
      NRE: str(m, 'NRE', 'dossiê'),
      geradoEm: str(m, 'geradoEm', 'dossiê'),
      pacoteSelado: str(m, 'pacoteSelado', 'pacote selado'),
      historico,
      lcrs,
    };
    const remetente = opt(m, 'pacoteDoRemetente', 'pacote do remetente');
    if (remetente !== undefined) d.pacoteDoRemetente = remetente;
    const envio = first(m, 'reciboDeEnvio');
    if (envio) d.reciboDeEnvio = readRecibo(envio, 'recibo de envio');
    const conclusao = first(m, 'reciboDeConclusao');
    if (conclusao) d.reciboDeConclusao = readRecibo(conclusao, 'recibo de conclusão');
    const ponto = first(m, 'pontoDeControle');
    if (ponto) {
      const parte = 'ponto de controle';
      const x = take(ponto, ['cadeia', 'sequencia', 'hash', 'em', 'ultimoEventoDoTramite', 'assinatura', 'cadeiaDeCertificados'], parte);
      const numero = (k: string) => {
        const v = str(x, k, parte);
        if (!/^[1-9][0-9]{0,15}$/.test(v)) throw new Refused(parte, `${k} "${v.slice(0, 20)}" não é um número`);
        return Number(v);
      };
      d.pontoDeControle = {
        cadeia: str(x, 'cadeia', parte),
        sequencia: numero('sequencia'),
        hash: str(x, 'hash', parte),
        em: str(x, 'em', parte),
        ultimoEventoDoTramite: numero('ultimoEventoDoTramite'),
        assinatura: str(x, 'assinatura', parte),
        cadeiaDeCertificados: take(first(x, 'cadeiaDeCertificados')!, ['certificado*'], parte).get('certificado')!.map((c) => text(c, parte)),
      };
    }
    d.resumos = take(first(m, 'resumos')!, ['resumo*'], 'resumos')
      .get('resumo')!
      .map((r) => {
        const x = take(r, ['parte', 'sha256'], 'resumos');
        return { parte: str(x, 'parte', 'resumos'), sha256: str(x, 'sha256', 'resumos') };
      });
    return ok(d);
  } catch (e) {
    if (e instanceof Refused) return err({ parte: e.parte, message: e.message });
    throw e;
  }
}

