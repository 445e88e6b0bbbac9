/**
 * Seal and verify of package XML (issue "Signed process packages"): the hub's enveloped RSA-SHA256
 * signature over a package of 30 and of 5,000 documents, then its verification with the signer's
 * certificate. Baseline, same document, same run: plain xml-crypto with its default options
 * (only the algorithms chosen: exclusive c14n, enveloped, SHA-256, RSA-SHA256, `URI=""`).
 *
 * Elo and the baseline take turns, one run each, so the machine's noise falls on both.
 * Ratios are the baseline's time ÷ Elo's (throughput ratio: more than 1 means Elo is faster).
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { buildPackageXml } from '../src/xml/package-xml.ts';
import { DSIG_NS, ENVELOPED, EXC_C14N, RSA_SHA256_URI, SHA256, signEnveloped, verifyEnveloped } from '../src/xml/xmldsig.ts';
import { manyDocuments } from '../test/harness/package-xml.ts';
import { makeXmlTestPki } from '../test/xml/xml-pki.ts';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export interface XmlSignatureFigures {
  documents: number;
  packageBytes: number;
  runs: number;
  baselineRuns: number;
  seal: { p50: number; p95: number; baselineP50: number; baselineP95: number; ratio: number };
  verify: { p50: number; p95: number; baselineP50: number; baselineP95: number; ratio: number };
}

/**
 * p50/p95 (ms) of seal and verify for a package of `documents` documents, `runs` times each; the
 * baseline `baselineRuns` times (plain xml-crypto's verify grows faster than the document: about
 * 9 s at 2,000 documents here, so at 5,000 it runs fewer times).
 */
export async function sealAndVerify(documents: number, runs: number, baselineRuns = runs): Promise<XmlSignatureFigures> {
  const pki = await makeXmlTestPki();
  const xml = buildPackageXml(manyDocuments(documents));

  const plainSeal = (doc: string) => {
    const s = new SignedXml({ privateKey: pki.rsa.keyPem, publicCert: pki.rsa.certPem, signatureAlgorithm: RSA_SHA256_URI, canonicalizationAlgorithm: EXC_C14N });
    s.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true });
    s.computeSignature(doc);
    return s.getSignedXml();
  };
  const plainVerify = (doc: string) => {
    const v = new SignedXml({ publicCert: pki.rsa.certPem });
    v.loadSignature(new DOMParser().parseFromString(doc, 'text/xml').getElementsByTagNameNS(DSIG_NS, 'Signature')[0]!);
    return v.checkSignature(doc);
  };

  // both must agree on what they produce before anything is timed
  const sealed = await signEnveloped(xml, pki.rsa.signer);
  if (!plainVerify(sealed)) throw new Error('xml-crypto does not accept the seal');
  const verified = await verifyEnveloped(sealed, { certificate: pki.rsa.certificate });
  if (!verified.ok) throw new Error(`Elo does not accept its seal: ${verified.error.message}`);
  const plainSealed = plainSeal(xml);
  if (!(await verifyEnveloped(plainSealed, { certificate: pki.rsa.certificate })).ok) throw new Error('Elo does not accept the baseline seal');

  const times = { seal: [] as number[], sealBase: [] as number[], verify: [] as number[], verifyBase: [] as number[] };
  const time = async (into: number[], f: () => unknown) => {
    const t0 = performance.now();
    await f();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < runs; i++) {
    await time(times.seal, () => signEnveloped(xml, pki.rsa.signer));
    if (i < baselineRuns) await time(times.sealBase, () => plainSeal(xml));
    await time(times.verify, async () => {
      if (!(await verifyEnveloped(sealed, { certificate: pki.rsa.certificate })).ok) throw new Error('verify failed');
    });
    if (i < baselineRuns)
      await time(times.verifyBase, () => {
        if (!plainVerify(sealed)) throw new Error('baseline verify failed');
      });
  }
  const figures = (elo: number[], base: number[]) => ({
    p50: +percentile(elo, 50).toFixed(1),
    p95: +percentile(elo, 95).toFixed(1),
    baselineP50: +percentile(base, 50).toFixed(1),
    baselineP95: +percentile(base, 95).toFixed(1),
    ratio: +(percentile(base, 50) / percentile(elo, 50)).toFixed(2),
  });
  return {
    documents,
    packageBytes: new TextEncoder().encode(xml).byteLength,
    runs,
    baselineRuns,
    seal: figures(times.seal, times.sealBase),
    verify: figures(times.verify, times.verifyBase),
  };
}
