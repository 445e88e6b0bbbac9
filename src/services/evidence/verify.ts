/**
 * Offline verification of Elo's evidence (issue 11 item 5; `elo verify`): a dossiê, a sealed
 * package or a sender-signed package, checked with nothing but the file and a trust anchor — no
 * network, no data folder, no store. Pure: the caller reads the files and passes the clock's
 * reading; every check is one line of the report, in Portuguese, and the first that fails is named
 * with the part of the file it concerns.
 */
import { checkpointBytes } from '../../domain/audit-chain.ts';
import { canTransition, isSituacao, WORKFLOW } from '../../domain/situacao.ts';
import { fromBase64, toBase64 } from '../../pki/encoding.ts';
import { sha256 } from '../../pki/sha256.ts';
import { verifyRsaSha256 } from '../../pki/signer.ts';
import { readCertificates, verifyCertificate } from '../../pki/verify/index.ts';
import { nameKey } from '../../pki/verify/names.ts';
import { readCrls } from '../../pki/verify/parse.ts';
import type { X509Certificate, X509Crl } from '../../pki/x509.ts';
import { DOSSIE_NS, DOSSIE_PARTS, dossieParts, partDigest, readDossieXml, type Dossie, type DossiePontoDeControle, type DossieRecibo } from '../../xml/dossie.ts';
import { PACOTE_NS, readPackageXml, type Pacote, type PacoteDocumento, type PacoteProcesso } from '../../xml/package-xml.ts';
import { guardXml } from '../../xml/guard.ts';
import { parseStrict } from '../../xml/parse.ts';
import { completionReceiptString, receiptDate, sendReceiptString } from '../../xml/receipt-strings.ts';
import { verifyEnveloped } from '../../xml/xmldsig.ts';

export interface EvidenceCheck {
  /** The part of the file: "assinatura do dossiê", "pacote selado", "recibo de envio", … */
  parte: string;
  ok: boolean;
  /** What was checked and found, one sentence. */
  detalhe: string;
}

export type EvidenceKind = 'dossie' | 'pacote';

export interface EvidenceReport {
  tipo: EvidenceKind | 'desconhecido';
  ok: boolean;
  verificacoes: EvidenceCheck[];
  /** The first check that failed, in the report's order (the most specific part first). */
  primeiraFalha: EvidenceCheck | null;
}

export interface EvidenceTrust {
  /** Trust anchors (the federation CA). */
  anchors: X509Certificate[];
}

class Report {
  readonly checks: EvidenceCheck[] = [];
  pass(parte: string, detalhe: string) {
    this.checks.push({ parte, ok: true, detalhe });
  }
  fail(parte: string, detalhe: string) {
    this.checks.push({ parte, ok: false, detalhe });
  }
  done(tipo: EvidenceReport['tipo']): EvidenceReport {
    const primeiraFalha = this.checks.find((c) => !c.ok) ?? null;
    return { tipo, ok: primeiraFalha === null && this.checks.length > 0, verificacoes: this.checks, primeiraFalha };
  }
}

const b64Cert = (der: string): X509Certificate | null => {
  const r = readCertificates(fromBase64(der) ?? new Uint8Array());
  return r.ok ? r.value[0]! : null;
};
const b64Bytes = (s: string): Uint8Array | null => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? fromBase64(s) : null);

/** Every component hash of a package (documents of attached processes included). */
export function packageHashes(p: Pacote): Set<string> {
  const docs: PacoteDocumento[] = [];
  const walk = (pr: PacoteProcesso) => {
    docs.push(...pr.documentos);
    for (const a of pr.processosApensados ?? []) walk(a);
  };
  if ('processo' in p) walk(p.processo);
  else docs.push(p.documento);
  return new Set(docs.flatMap((d) => d.componentesDigitais.map((c) => c.hash.conteudo)));
}

/**
 * A certificate chain (leaf first) up to a trust anchor as of `at` (validity, signatures, CA
 * constraints: pki/verify), then its revocation as of `at` from the CRLs given: no CRL of its
 * issuer, signed by that issuer, may list a certificate below the anchor as revoked at or before
 * `at` (a revocation after the signature does not undo it).
 */
async function checkChain(certs: X509Certificate[], at: Date, trust: EvidenceTrust, crls: X509Crl[], notes: string[] = []): Promise<string | null> {
  if (certs.length === 0) return 'não há certificado de quem assinou';
  const r = await verifyCertificate({ leaf: certs[0]!, intermediates: certs.slice(1), anchors: trust.anchors, at, purpose: 'any', policy: { revocation: 'off' } });
  if (!r.valid) return `a cadeia de "${certs[0]!.subject}" não vale em ${at.toISOString()} até a âncora de confiança: ${r.message}`;
  const pool = [...certs, ...trust.anchors];
  const anchorFps = new Set(trust.anchors.map((a) => toBase64(new Uint8Array(a.rawData))));
  for (const cert of certs) {
    if (anchorFps.has(toBase64(new Uint8Array(cert.rawData)))) break;
    const issuerKey = nameKey(cert.issuerName);
    const issuer = pool.find((c) => nameKey(c.subjectName) === issuerKey && c !== cert);
    if (!issuer) return `o emissor de "${cert.subject}" não está no dossiê nem na âncora`;
    const own: X509Crl[] = [];
    for (const crl of crls) if (nameKey(crl.issuerName) === issuerKey && (await crl.verify({ publicKey: issuer }).catch(() => false))) own.push(crl);
    // A CA that never revoked anything publishes no CRL (runtime/ca-admin.ts): the dossiê then
    // carries none for it, and that absence is the hub's signed statement of what it knew. A CRL
    // of that issuer that is present but not signed by it is a failure.
    if (own.length === 0 && crls.some((c) => nameKey(c.issuerName) === issuerKey))
      return `a LCR de "${cert.issuer}" no dossiê não foi assinada por essa AC: a revogação de "${cert.subject}" não pode ser verificada`;
    if (own.length === 0) notes.push(`sem LCR de "${cert.issuer}" (a AC não publicou revogação alguma)`);
    for (const crl of own) {
      notes.push(`não revogado segundo a LCR de "${crl.issuer}" de ${crl.thisUpdate.toISOString()}`);
      const entry = crl.findRevoked(cert);
      if (entry && entry.revocationDate.getTime() <= at.getTime())
        return `"${cert.subject}" (série ${cert.serialNumber}) foi revogado em ${entry.revocationDate.toISOString()}, antes da assinatura (${at.toISOString()})`;
    }
    if (nameKey(cert.subjectName) === issuerKey) break;
  }
  return null;
}

/** A chain's line: valid at `at` up to the anchor, and what revocation data said. */
async function chainLine(report: Report, parte: string, certs: X509Certificate[], at: Date, trust: EvidenceTrust, crls: X509Crl[]): Promise<void> {
  const notes: string[] = [];
  const fail = await checkChain(certs, at, trust, crls, notes);
  if (fail) report.fail(parte, fail);
  else report.pass(parte, `"${certs[0]!.subject}" válido em ${at.toISOString()} até a âncora; ${[...new Set(notes)].join('; ')}`);
}

const dateOf = (s: string | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * The audit checkpoint (issue 11 item 7): the hub's RSA-SHA256 signature over the checkpoint's
 * bytes as the audit chain defines them (domain/audit-chain.ts `checkpointBytes`), by a
 * certificate whose chain holds at its time; and it covers the trâmite's last event.
 */
async function checkCheckpoint(report: Report, p: DossiePontoDeControle, trust: EvidenceTrust, crls: X509Crl[]): Promise<void> {
  const parte = DOSSIE_PARTS.pontoDeControle;
  const certs = p.cadeiaDeCertificados.map(b64Cert);
  if (certs.length === 0 || certs.some((c) => !c)) return report.fail(parte, 'o ponto de controle não traz o certificado de quem o assinou em X.509 base64');
  const signature = b64Bytes(p.assinatura);
  const bytes = checkpointBytes({ chain: p.cadeia, position: p.sequencia, hash: p.hash, at: p.em });
  if (!signature || !(await verifyRsaSha256(certs[0]!, bytes, signature)))
    return report.fail(parte, `a assinatura do ponto de controle (cadeia "${p.cadeia}", evento nº ${p.sequencia}) não confere com o certificado de "${certs[0]!.subject}"`);
  const at = dateOf(p.em);
  if (!at) return report.fail(parte, 'a data do ponto de controle não é legível');
  const chain = await checkChain(certs as X509Certificate[], at, trust, crls);
  if (chain) return report.fail(parte, chain);
  if (p.ultimoEventoDoTramite > p.sequencia)
    return report.fail(parte, `o ponto de controle vai até o evento nº ${p.sequencia}, antes do último evento do trâmite (nº ${p.ultimoEventoDoTramite})`);
  report.pass(parte, `cadeia de auditoria "${p.cadeia}" até o evento nº ${p.sequencia} (o último do trâmite é o nº ${p.ultimoEventoDoTramite}), assinado por "${certs[0]!.subject}" em ${p.em}`);
}

/** A signed package (the hub's seal or a sender's package): signature, chain as of `at`, content. */
async function checkPackage(
  report: Report,
  parte: string,
  xml: string,
  trust: EvidenceTrust,
  crls: X509Crl[],
  at: Date | 'seal',
): Promise<Pacote | null> {
  const v = await verifyEnveloped(xml, { keyInfoLeaf: true });
  if (!v.ok) {
    report.fail(parte, `a assinatura XML não confere (${v.error.code}): ${v.error.message}`);
    return null;
  }
  const read = readPackageXml(v.value.signedXml);
  if (!read.ok) {
    report.fail(parte, `o conteúdo assinado não é um pacote válido: ${read.error.mensagem}`);
    return null;
  }
  const pacote = read.value;
  report.pass(parte, `assinatura ${v.value.algorithm.toUpperCase()} confere, por "${v.value.signer?.subject}"; IDT ${pacote.cabecalho.IDT}, NRE ${pacote.cabecalho.NRE}`);
  const when = at === 'seal' ? dateOf(pacote.cabecalho.dataDeRecebimentoDoUltimoComponenteDigital) : at;
  if (!when) {
    report.fail(parte, 'o pacote não tem uma data de recebimento legível para julgar o certificado');
    return null;
  }
  await chainLine(report, `${parte}: cadeia de certificados`, v.value.certificates, when, trust, crls);
  return pacote;
}

async function checkReceipt(
  report: Report,
  parte: string,
  r: DossieRecibo,
  kind: 'envio' | 'conclusao',
  d: Dossie,
  pacote: Pacote | null,
  trust: EvidenceTrust,
  crls: X509Crl[],
): Promise<void> {
  const rebuilt =
    kind === 'envio'
      ? sendReceiptString({ idt: d.IDT, nre: d.NRE, dataDeRecebimentoDoUltimoComponenteDigital: r.data, hashes: r.hashes })
      : completionReceiptString({ idt: d.IDT, nre: d.NRE, dataDeRecebimento: r.data, hashes: r.hashes });
  if (rebuilt !== r.stringAssinada) return report.fail(parte, 'a string assinada não é a que o IDT, o NRE, a data e os hashes do recibo formam (spec §7)');
  if (pacote) {
    const held = packageHashes(pacote);
    const alien = r.hashes.find((h) => !held.has(h));
    if (alien) return report.fail(parte, `o recibo assina o hash ${alien}, que não é de nenhum componente do pacote selado`);
    if (kind === 'envio' && r.data !== receiptDate(new Date(pacote.cabecalho.dataDeRecebimentoDoUltimoComponenteDigital)))
      return report.fail(parte, `a data do recibo (${r.data}) não é a do recebimento do último componente no pacote selado`);
  }
  const certs = r.cadeia.map(b64Cert);
  if (certs.length === 0) return report.fail(`${parte}: cadeia de certificados`, 'o recibo não traz o certificado de quem o assinou');
  if (certs.some((c) => !c)) return report.fail(`${parte}: cadeia de certificados`, 'um certificado da cadeia não é um X.509 em base64');
  const signature = b64Bytes(r.assinatura);
  if (!signature || !(await verifyRsaSha256(certs[0]!, new TextEncoder().encode(r.stringAssinada), signature)))
    return report.fail(parte, `a assinatura RSA-SHA256 não confere com a string reconstruída e o certificado "${certs[0]!.subject}"`);
  report.pass(parte, `string reconstruída do IDT, NRE, data ${r.data} e ${r.hashes.length} hash(es) do pacote; assinatura de "${certs[0]!.subject}" confere`);
  const at = dateOf(r.data);
  if (!at) report.fail(`${parte}: cadeia de certificados`, 'a data do recibo não é legível');
  else await chainLine(report, `${parte}: cadeia de certificados`, certs as X509Certificate[], at, trust, crls);
}

function checkHistory(report: Report, d: Dossie): void {
  const parte = DOSSIE_PARTS.historico;
  const h = d.historico;
  if (h.length === 0) return report.fail(parte, 'o histórico está vazio');
  if (h[0]!.situacao !== WORKFLOW.initial) return report.fail(parte, `o histórico começa na situação ${h[0]!.situacao}, e não na ${WORKFLOW.initial}`);
  let prev: Date | null = null;
  for (let i = 0; i < h.length; i++) {
    const at = dateOf(h[i]!.em);
    if (!at) return report.fail(parte, `a data da mudança nº ${i + 1} ("${h[i]!.em}") não é legível`);
    if (prev && at < prev) return report.fail(parte, `a mudança nº ${i + 1} (${h[i]!.em}) é anterior à de antes: as datas devem crescer`);
    if (!isSituacao(h[i]!.situacao)) return report.fail(parte, `a situação ${h[i]!.situacao} da mudança nº ${i + 1} não existe`);
    if (i > 0 && !canTransition(h[i - 1]!.situacao as never, h[i]!.situacao as never))
      return report.fail(parte, `a passagem da situação ${h[i - 1]!.situacao} para a ${h[i]!.situacao} (mudança nº ${i + 1}) não é permitida (spec §5.2)`);
    prev = at;
  }
  report.pass(parte, `${h.length} mudanças de situação (${h.map((x) => x.situacao).join(' → ')}), em ordem e permitidas`);
}

async function verifyDossie(xml: string, trust: EvidenceTrust): Promise<EvidenceReport> {
  const report = new Report();
  const outer = await verifyEnveloped(xml, { keyInfoLeaf: true });
  // Read from what the signature covers; when it fails, from the document itself, only to name
  // the part that changed (the verdict is already a failure).
  const read = readDossieXml(outer.ok ? outer.value.signedXml : xml);
  if (!read.ok) {
    report.fail(read.error.parte, `o dossiê não pôde ser lido: ${read.error.message}`);
    if (!outer.ok) report.fail('assinatura do dossiê', `${outer.error.code}: ${outer.error.message}`);
    return report.done('dossie');
  }
  const d = read.value;

  // Which part changed: each part's digest against the one the hub wrote (docs/dossie-xml.md).
  const declared = new Map((d.resumos ?? []).map((r) => [r.parte, r.sha256]));
  const parts = dossieParts(d);
  for (const p of parts) {
    if (declared.get(p.part) !== partDigest(p.xml)) report.fail(DOSSIE_PARTS[p.part], 'o conteúdo mudou depois que o hub montou o dossiê: o resumo SHA-256 desta parte não confere');
  }
  const extra = [...declared.keys()].filter((k) => !parts.some((p) => p.part === k));
  if (extra.length) report.fail('resumos', `há resumos de partes que o dossiê não tem (${extra.join(', ')}): uma parte foi removida`);

  // Revocation data: each CRL is what its digest says, and readable.
  const crls: X509Crl[] = [];
  for (const [i, l] of d.lcrs.entries()) {
    const bytes = b64Bytes(l.conteudo);
    const parsed = bytes ? readCrls(bytes) : null;
    if (!bytes || toBase64(sha256(bytes)) !== l.sha256 || !parsed?.ok) {
      report.fail(DOSSIE_PARTS.revogacao, `a LCR nº ${i + 1} (${l.emissor}) não é a que o seu SHA-256 declara, ou não é uma LCR`);
      continue;
    }
    crls.push(...parsed.value);
  }
  if (d.lcrs.length === crls.length)
    report.pass(
      DOSSIE_PARTS.revogacao,
      crls.length ? `${crls.length} LCR(s) íntegra(s): ${d.lcrs.map((l) => `${l.emissor} de ${l.emitidaEm}`).join('; ')}` : 'nenhuma LCR: o hub não tinha LCR das ACs do dossiê ao montá-lo',
    );

  const sealedBytes = b64Bytes(d.pacoteSelado);
  let pacote: Pacote | null = null;
  if (!sealedBytes) report.fail(DOSSIE_PARTS.pacoteSelado, 'o conteúdo não é base64');
  else {
    pacote = await checkPackage(report, DOSSIE_PARTS.pacoteSelado, new TextDecoder().decode(sealedBytes), trust, crls, 'seal');
    if (pacote && (pacote.cabecalho.IDT !== d.IDT || pacote.cabecalho.NRE !== d.NRE))
      report.fail(DOSSIE_PARTS.pacoteSelado, `o pacote selado é do IDT ${pacote.cabecalho.IDT} (NRE ${pacote.cabecalho.NRE}), não do IDT ${d.IDT} do dossiê`);
  }
  if (d.pacoteDoRemetente !== undefined) {
    const bytes = b64Bytes(d.pacoteDoRemetente);
    const sealedAt = pacote ? dateOf(pacote.cabecalho.dataDeRecebimentoDoUltimoComponenteDigital) : null;
    if (!bytes) report.fail(DOSSIE_PARTS.pacoteDoRemetente, 'o conteúdo não é base64');
    else if (await checkPackage(report, DOSSIE_PARTS.pacoteDoRemetente, new TextDecoder().decode(bytes), trust, crls, sealedAt ?? new Date(d.geradoEm))) {
      const declaredHash = pacote?.cabecalho.hashDosMetadados?.conteudo;
      if (declaredHash !== toBase64(sha256(bytes))) report.fail(DOSSIE_PARTS.pacoteDoRemetente, 'o SHA-256 do pacote do remetente não é o hashDosMetadados do pacote selado');
      else report.pass(DOSSIE_PARTS.pacoteDoRemetente, 'é exatamente o pacote que o selo do hub descreve (hashDosMetadados)');
    }
  }
  if (d.reciboDeEnvio) await checkReceipt(report, DOSSIE_PARTS.reciboDeEnvio, d.reciboDeEnvio, 'envio', d, pacote, trust, crls);
  if (d.reciboDeConclusao) await checkReceipt(report, DOSSIE_PARTS.reciboDeConclusao, d.reciboDeConclusao, 'conclusao', d, pacote, trust, crls);
  checkHistory(report, d);
  if (d.pontoDeControle) await checkCheckpoint(report, d.pontoDeControle, trust, crls);

  if (!outer.ok) report.fail('assinatura do dossiê', `${outer.error.code}: ${outer.error.message}`);
  else {
    const at = dateOf(d.geradoEm);
    const chain = at ? await checkChain(outer.value.certificates, at, trust, crls) : 'a data do dossiê não é legível';
    if (chain) report.fail('assinatura do dossiê', chain);
    else report.pass('assinatura do dossiê', `assinatura do hub confere ("${outer.value.signer?.subject}", válido em ${d.geradoEm} até a âncora); ${parts.length} partes conferem com os seus resumos`);
  }
  return report.done('dossie');
}

/**
 * The root element's name and namespace, read from its start tag alone (the guard has already
 * refused DOCTYPEs, comments and processing instructions, so the first tag after the declaration
 * is the root's): which verification applies, without parsing a large file one more time. The
 * verification itself parses strictly and checks the namespace again.
 */
function rootOf(xml: string): { localName: string; namespaceURI: string | null } | null {
  const start = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  const m = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/y;
  m.lastIndex = xml.slice(start).search(/\S/) + start;
  const tag = m.exec(xml);
  if (!tag) return null;
  const [prefix, local] = tag[1]!.includes(':') ? tag[1]!.split(':') : [null, tag[1]!];
  const attr = new RegExp(`\\s${prefix ? `xmlns:${prefix}` : 'xmlns'}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag[2] ?? '');
  return { localName: local!, namespaceURI: attr ? (attr[1] ?? attr[2] ?? null) : null };
}

/**
 * Verifies a file of evidence: a dossiê (`urn:elo:dossie:1`) or a signed package
 * (`urn:elo:pacote:1`: the hub's seal or a sender's package). A package alone carries no CRL, so
 * its chain is checked without revocation data unless `crls` are given.
 *
 * @example
 * const report = await verifyEvidence(xml, { anchors: [federationCa] });
 * if (!report.ok) show(report.primeiraFalha);
 */
export async function verifyEvidence(xml: string, trust: EvidenceTrust, opts: { crls?: X509Crl[] } = {}): Promise<EvidenceReport> {
  // The hardened pre-parse check before any parser runs (DOCTYPE, entities, PIs, depth, size):
  // the file may come from anyone.
  const guarded = guardXml(xml);
  if (!guarded.ok) {
    const report = new Report();
    report.fail('arquivo', `${guarded.error.code}: ${guarded.error.message}`);
    return report.done('desconhecido');
  }
  const root = rootOf(xml);
  if (root?.namespaceURI === DOSSIE_NS && root.localName === 'dossie') return verifyDossie(xml, trust);
  const report = new Report();
  if (root?.namespaceURI === PACOTE_NS && root.localName === 'pacote') {
    const v = await verifyEnveloped(xml, { keyInfoLeaf: true });
    if (!v.ok) {
      report.fail('pacote', `a assinatura XML não confere (${v.error.code}): ${v.error.message}`);
      return report.done('pacote');
    }
    const read = readPackageXml(v.value.signedXml);
    if (!read.ok) {
      report.fail('pacote', `o conteúdo assinado não é um pacote válido: ${read.error.mensagem}`);
      return report.done('pacote');
    }
    report.pass('pacote', `assinatura ${v.value.algorithm.toUpperCase()} confere, por "${v.value.signer?.subject}"; IDT ${read.value.cabecalho.IDT}, NRE ${read.value.cabecalho.NRE}, ${packageHashes(read.value).size} componente(s)`);
    const at = dateOf(read.value.cabecalho.dataDeRecebimentoDoUltimoComponenteDigital);
    const certs = v.value.certificates;
    const crls = opts.crls ?? [];
    const r = at
      ? crls.length
        ? await checkChain(certs, at, trust, crls)
        : await verifyCertificate({ leaf: certs[0]!, intermediates: certs.slice(1), anchors: trust.anchors, at, purpose: 'any', policy: { revocation: 'off' } }).then((x) =>
            x.valid ? null : `a cadeia de "${certs[0]!.subject}" não vale em ${at.toISOString()}: ${x.message}`,
          )
      : 'o pacote não tem uma data de recebimento legível';
    if (r) report.fail('pacote: cadeia de certificados', r);
    else report.pass('pacote: cadeia de certificados', `"${certs[0]!.subject}" válido em ${at!.toISOString()} até a âncora${crls.length ? ', não revogado' : ' (um pacote sozinho não traz LCR: a revogação se verifica no dossiê)'}`);
    return report.done('pacote');
  }
  const parsed = root ? null : parseStrict(xml);
  report.fail(
    'arquivo',
    parsed && !parsed.ok ? parsed.error.message : `o elemento raiz {${root?.namespaceURI ?? ''}}${root?.localName ?? '?'} não é um dossiê (${DOSSIE_NS}) nem um pacote (${PACOTE_NS})`,
  );
  return report.done('desconhecido');
}

