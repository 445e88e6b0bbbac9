import { readFileSync } from 'node:fs';
import { parseMultipart } from '@remix-run/multipart-parser';
import fc from 'fast-check';
import { parseCnpj, formatCnpj } from '../../src/domain/cnpj.ts';
import { memberSpans } from '../../src/domain/json-members.ts';
import { analyseStartBody, type CodeLists } from '../../src/domain/tramita/index.ts';
import { base64Bytes, base64JsonStream } from '../../src/http/base64-stream.ts';
import { MultipartError, parseMultipartStream } from '../../src/http/multipart/index.ts';
import { pemBlocks, toPem } from '../../src/pki/encoding.ts';
import { readCertificates, readCrls } from '../../src/pki/verify/parse.ts';
import { parseStructuresFile, StructureFileError } from '../../src/services/structures-import/parse-structures-file.ts';
import { readDossieXml } from '../../src/xml/dossie.ts';
import { guardXml } from '../../src/xml/guard.ts';
import { readPackageXml } from '../../src/xml/package-xml.ts';
import { parseStrict } from '../../src/xml/parse.ts';
import { exclusiveC14n as c14nOf } from '../../src/xml/c14n.ts';
import { parseSignatureTree } from '../../src/xml/signature-tree.ts';
import { isReceiptDate, receiptDate } from '../../src/xml/receipt-strings.ts';
import { verifyEnveloped } from '../../src/xml/xmldsig.ts';
import {
  anyBytes,
  anyText,
  fuzzParams,
  mustReturnResult,
  mutatedBytes,
  mutatedJsonText,
  mutatedText,
  refusalOrValue,
  refusalOrValueAsync,
  utf8Bytes,
} from '../harness/fuzz.ts';
import { signedPackageXml } from '../harness/signed-packages.ts';
import { processoBody } from '../harness/packages.ts';
import { startTestHub } from '../harness/hub.ts';
import { makeTestDossie } from '../xml/dossie-fixture.ts';
import { makeXmlTestPki, type XmlTestPki } from '../xml/xml-pki.ts';

/**
 * Every fuzzed parser of Elo as one property each, run by the normal tier (test/fuzz/parsers.test.ts,
 * a few hundred inputs) and by the reliability tier (test/reliability/fuzz.test.ts, ≥ 10,000).
 * Each asserts: a value or a catalogued refusal, never another throw; and where a parser has a
 * stronger contract (a signature never verifies changed content, a chunking never changes what a
 * stream parser reads), that too.
 */
export interface RunOptions {
  runs: number;
  /** Cap on the whole property's run (fails when reached); unset in the normal tier. */
  timeLimitMs?: number;
  /** Generous cap on one input's work (fails when passed); unset in the normal tier. */
  perInputMs?: number;
  /** Every property gets exactly `runs` (the reliability tier's floor), ignoring its weight. */
  exact?: boolean;
}

export interface FuzzProperty {
  name: string;
  /** Scales the run count for costly inputs (a hub request, a signature check). */
  weight?: number;
  check(o: RunOptions): Promise<void>;
  /** Releases what the property set up (a hub). */
  close?(): Promise<void>;
}

const fixturesDir = new URL('../../fixtures/packages/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixturesDir), 'utf8'));
const fixtureText = (name: string): string => readFileSync(new URL(name, fixturesDir), 'utf8');
const lists: CodeLists = { especies: new Set([42, 86, 88, 89, 179]), hipotesesLegais: new Set([1, 2, 3]), motivosUrgencia: 3 };

/** Wraps a predicate with the per-input time bound (reliability tier only). */
function timed<A extends unknown[]>(o: RunOptions, f: (...a: A) => void): (...a: A) => void {
  if (!o.perInputMs) return f;
  return (...a: A) => {
    const t0 = performance.now();
    f(...a);
    const ms = performance.now() - t0;
    if (ms > o.perInputMs!) throw new Error(`one input took ${ms.toFixed(0)} ms (bound ${o.perInputMs} ms)`);
  };
}
function timedAsync<A extends unknown[]>(o: RunOptions, f: (...a: A) => Promise<void>): (...a: A) => Promise<void> {
  if (!o.perInputMs) return f;
  return async (...a: A) => {
    const t0 = performance.now();
    await f(...a);
    const ms = performance.now() - t0;
    if (ms > o.perInputMs!) throw new Error(`one input took ${ms.toFixed(0)} ms (bound ${o.perInputMs} ms)`);
  };
}

const runsOf = (o: RunOptions, p: { weight?: number }) => (o.exact ? o.runs : Math.max(1, Math.round(o.runs * (p.weight ?? 1))));

const once = <T>(make: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  const get = () => (p ??= make());
  get.reset = () => {
    p = undefined;
  };
  return get;
};

// ---- XML -----------------------------------------------------------------------------------

const packageXml = fixtureText('sei-processo-dois-documentos.pacote.xml');
const xmlish = fc.oneof(
  anyText(1024),
  mutatedText(packageXml),
  // markup-shaped noise: declarations, entities, deep nesting, comments, CDATA, PIs
  fc
    .array(
      fc.oneof(
        fc.constantFrom('<a>', '</a>', '<a/>', '<!DOCTYPE a [<!ENTITY x "y">]>', '&x;', '&#0;', '&#x110000;', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<?pi x?>', 'xmlns="u"', 'xmlns:p="u"', '<p:a>', '</p:a>', '="', "'", '\u0000', '\uFFFE'),
        fc.string({ maxLength: 6 }),
      ),
      { maxLength: 200 },
    )
    .map((xs) => xs.join('')),
  fc.nat({ max: 3000 }).map((n) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`),
);

const guardXmlProperty: FuzzProperty = {
  name: 'guardXml: any text → a Result (stats or a catalogued XML refusal), never a throw',
  async check(o) {
    fc.assert(
      fc.property(xmlish, timed(o, (text: string) => {
        const r = refusalOrValue(() => guardXml(text), text);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, text);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const parseStrictProperty: FuzzProperty = {
  name: 'parseStrict: any text → a Document or xml_malformed, never a throw',
  async check(o) {
    fc.assert(
      fc.property(xmlish, timed(o, (text: string) => {
        const r = refusalOrValue(() => parseStrict(text), text);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, text);
        if (!r.value.ok && r.value.error.code !== 'xml_malformed') throw new Error(`unexpected code ${r.value.error.code}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const parseSignatureTreeProperty: FuzzProperty = {
  name: "parseSignatureTree: any text → a tree or xml_malformed, never a throw; what the guard and both parsers accept canonicalises as xmldom's DOM does",
  async check(o) {
    fc.assert(
      fc.property(fc.oneof(xmlish, mutatedText(packageXml)), timed(o, (text: string) => {
        const r = refusalOrValue(() => parseSignatureTree(text), text);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, text);
        if (!r.value.ok) {
          if (r.value.error.code !== 'xml_malformed') throw new Error(`unexpected code ${r.value.error.code}`);
          return;
        }
        // the signature path reads this tree where it read xmldom's: their canonical forms must agree
        if (!guardXml(text).ok) return;
        const dom = parseStrict(text);
        if (dom.ok && c14nOf(r.value.value) !== c14nOf(dom.value.documentElement!)) throw new Error(`c14n differs from xmldom's for ${JSON.stringify(text.slice(0, 300))}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const readPackageXmlProperty: FuzzProperty = {
  name: 'readPackageXml: near-valid package XML → a Pacote or an EloError, never a throw',
  async check(o) {
    fc.assert(
      fc.property(fc.oneof(mutatedText(packageXml), mutatedText(packageXml, packageXml.indexOf('<cabecalho')), xmlish), timed(o, (text: string) => {
        const r = refusalOrValue(() => readPackageXml(text), text);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, text);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const signed = once(async () => {
  const pki = await makeXmlTestPki();
  const body = processoBody({ protocolo: '77.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1, 2, 3])] }] }).body;
  const rsaXml = await signedPackageXml(body, pki.rsa.signer);
  const ecXml = await signedPackageXml(body, pki.ec.signer);
  const rsaSigned = await verifyEnveloped(rsaXml, { certificate: pki.rsa.certificate });
  const ecSigned = await verifyEnveloped(ecXml, { certificate: pki.ec.certificate });
  if (!rsaSigned.ok || !ecSigned.ok) throw new Error('the fixture signature does not verify');
  return { pki, rsa: { xml: rsaXml, signedXml: rsaSigned.value.signedXml }, ec: { xml: ecXml, signedXml: ecSigned.value.signedXml } };
});

const verifyEnvelopedProperty: FuzzProperty = {
  name: 'verifyEnveloped: a signed package changed by 1–4 bytes is refused, or verifies the very same signed content; never a throw',
  weight: 0.5,
  async check(o) {
    const s = await signed();
    const declEnd = s.rsa.xml.indexOf('?>') + 2;
    const arb = fc.oneof(
      mutatedText(s.rsa.xml, declEnd).map((xml) => ({ xml, kind: 'rsa' as const })),
      mutatedText(s.ec.xml, s.ec.xml.indexOf('?>') + 2).map((xml) => ({ xml, kind: 'ec' as const })),
    );
    await fc.assert(
      fc.asyncProperty(arb, timedAsync(o, async ({ xml, kind }: { xml: string; kind: 'rsa' | 'ec' }) => {
        const party: XmlTestPki['rsa'] = s.pki[kind];
        const r = await refusalOrValueAsync(() => verifyEnveloped(xml, { certificate: party.certificate }), xml);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, xml);
        // What a verified signature covers must be what was signed: a change is accepted only when
        // it leaves the canonical signed content as it was (e.g. a quote or a space between attributes).
        if (r.value.ok && r.value.value.signedXml !== s[kind].signedXml) throw new Error(`a changed document verified: ${xml}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const dossie = once(async () => (await makeTestDossie()).xml);

const readDossieProperty: FuzzProperty = {
  name: 'readDossieXml: a dossiê changed by 1–4 bytes → a Dossie or a refusal naming the part, never a throw',
  async check(o) {
    const xml = await dossie();
    fc.assert(
      fc.property(fc.oneof(mutatedText(xml), mutatedText(xml, xml.indexOf('<recibo')), xmlish), timed(o, (text: string) => {
        const r = refusalOrValue(() => readDossieXml(text), text);
        if ('refused' in r) throw r.refused;
        mustReturnResult(r.value, text);
        if (!r.value.ok && (typeof r.value.error.parte !== 'string' || !r.value.error.message)) throw new Error('a refusal without its part');
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const receiptStringsProperty: FuzzProperty = {
  name: 'receipt dates: isReceiptDate never throws, accepts only what receiptDate writes, and receiptDate always passes it',
  async check(o) {
    fc.assert(
      fc.property(
        fc.oneof(anyText(40), fc.date({ noInvalidDate: true }).map((d) => receiptDate(d)), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), mutatedText('2026-03-10T17:40:12.000Z')),
        timed(o, (s: string) => {
          const r = refusalOrValue(() => isReceiptDate(s), s);
          if ('refused' in r) throw r.refused;
          if (r.value && receiptDate(new Date(s)) !== s) throw new Error(`accepted ${s}, which receiptDate never writes`);
        }),
      ),
      fuzzParams(runsOf(o, this), o),
    );
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        if (!isReceiptDate(receiptDate(d))) throw new Error(`refused its own ${receiptDate(d)}`);
      }),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

// ---- JSON and the Tramita start body ----------------------------------------------------------

const startBodies = [
  { kind: 'processo' as const, doc: fixture('sei-processo-dois-documentos.json') },
  { kind: 'processo' as const, doc: fixture('sei-processo-com-apensado.json') },
  { kind: 'documento' as const, doc: fixture('avulso-dois-destinatarios.json') },
];

const startBodyInput = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...startBodies).chain(({ kind, doc }) => mutatedJsonText(doc).map((text) => ({ kind, raw: utf8Bytes(text) }))) },
  { weight: 2, arbitrary: fc.constantFrom(...startBodies).chain(({ kind, doc }) => mutatedBytes(utf8Bytes(JSON.stringify(doc))).map((raw) => ({ kind, raw }))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('processo' as const, 'documento' as const), anyBytes(512)).map(([kind, raw]) => ({ kind, raw })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('processo' as const, 'documento' as const), fc.json({ maxDepth: 6 })).map(([kind, t]) => ({ kind, raw: utf8Bytes(t) })) },
);

const startBodyProperty: FuzzProperty = {
  name: 'analyseStartBody: near-valid processo/documento bodies → an analysis or a 0001 refusal with a message, never a throw',
  async check(o) {
    fc.assert(
      fc.property(startBodyInput, timed(o, ({ kind, raw }: { kind: 'processo' | 'documento'; raw: Uint8Array }) => {
        const r = refusalOrValue(() => analyseStartBody(raw, kind, lists), raw);
        if ('refused' in r) throw r.refused;
        const a = r.value;
        if (!a.ok) {
          if (a.code !== 'validation_failed' && a.code !== 'malformed_json') throw new Error(`unexpected code ${a.code}`);
          if (!a.mensagem) throw new Error('a refusal without a message');
          return;
        }
        // an accepted body has its package located in the exact bytes, and the span is that JSON
        if (!a.packageSpan) throw new Error('accepted without a package span');
        JSON.parse(new TextDecoder().decode(raw.subarray(a.packageSpan.ini, a.packageSpan.fim)));
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const jsonMembersProperty: FuzzProperty = {
  name: 'memberSpans: for any JSON object, each top-level span holds exactly that member’s JSON',
  async check(o) {
    const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), ws, ws, timed(o, (obj: Record<string, unknown>, a: string, b: string) => {
        // pretty-printed or not, surrounded by whitespace: the byte offsets must still be right
        const text = `${a}${JSON.stringify(obj, null, b.length % 2 ? 1 : undefined)}${b}`;
        const bytes = utf8Bytes(text);
        const spans = memberSpans(bytes);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (spans.size !== Object.keys(parsed).length) throw new Error(`found ${spans.size} members of ${Object.keys(parsed).length}`);
        for (const [k, sp] of spans) {
          const got = JSON.stringify(JSON.parse(new TextDecoder().decode(bytes.subarray(sp.ini, sp.fim))));
          if (got !== JSON.stringify(parsed[k])) throw new Error(`span of ${JSON.stringify(k)} holds ${got}`);
        }
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

const cnpjProperty: FuzzProperty = {
  name: 'parseCnpj: any text → a CNPJ or a named problem, never a throw; what it accepts formats and reads back',
  async check(o) {
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }).map((d) => {
      const dv = (ds: number[], w: number[]) => {
        const s = ds.reduce((n, x, i) => n + x * w[i]!, 0) % 11;
        return s < 2 ? 0 : 11 - s;
      };
      const w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
      const d1 = dv(d, w1);
      const d2 = dv([...d, d1], [6, ...w1]);
      return [...d, d1, d2].join('');
    });
    fc.assert(
      fc.property(fc.oneof(anyText(30), digits, digits.map(formatCnpj), digits.chain((d) => mutatedText(d))), timed(o, (s: string) => {
        const r = refusalOrValue(() => parseCnpj(s), s);
        if ('refused' in r) throw r.refused;
        if (r.value.ok) {
          const again = parseCnpj(formatCnpj(r.value.cnpj));
          if (!again.ok || again.cnpj !== r.value.cnpj) throw new Error(`${s} does not read back from its formatted form`);
        } else if (!['formato', 'digitos_verificadores', 'repetido'].includes(r.value.problem)) throw new Error(`unknown problem ${r.value.problem}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

// ---- structures import ----------------------------------------------------------------------

const sheet = 'numero;nome;sigla;numeroPai;ativo;recebeTramites\n1000;Prefeitura de São João;PMSJ;;sim;não\n1001;"Secretaria; de Educação";SEDUC;1000;s;S\n';
const sheetJson = JSON.stringify({ estruturas: [{ numero: '1000', nome: 'Prefeitura', sigla: 'PM', ativo: true }, { numero: 1001, nome: 'Sec', sigla: 'S', numeroPai: '1000' }] });

const structuresProperty: FuzzProperty = {
  name: 'parseStructuresFile: near-valid CSV/JSON and random bytes → rows or a StructureFileError listing problems, never another throw',
  async check(o) {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '"', '""', ';', ',', '\n', '\r\n', 'sim', 'não', '1', '0', '12345678901234567890', 'x'.repeat(300)));
    const csv = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 12 }).chain((rows) =>
      fc.constantFrom(';', ',').map((d) => ['numero;nome;sigla;numeroPai;ativo'.replaceAll(';', d), ...rows.map((r) => r.join(d))].join('\n')),
    );
    fc.assert(
      fc.property(fc.oneof(anyBytes(1024), mutatedBytes(utf8Bytes(sheet)), mutatedBytes(utf8Bytes(sheetJson)), csv.map(utf8Bytes), mutatedJsonText(JSON.parse(sheetJson)).map(utf8Bytes)), timed(o, (bytes: Uint8Array) => {
        const r = refusalOrValue(() => parseStructuresFile(bytes), bytes, [StructureFileError]);
        if ('refused' in r) {
          if (r.refused instanceof StructureFileError && r.refused.problems.length === 0) throw new Error('a refusal without problems');
          return;
        }
        if (!Array.isArray(r.value.rows)) throw new Error('no rows');
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

// ---- PKI encodings --------------------------------------------------------------------------

const certPem = once(async () => (await signed()).pki.rsa.certPem);

const pkiProperty: FuzzProperty = {
  name: 'pemBlocks, readCertificates, readCrls: near-valid PEM/DER and random bytes → a Result, never a throw',
  weight: 0.5,
  async check(o) {
    const pem = await certPem();
    const der = pemBlocks(pem);
    if (!der.ok) throw new Error(der.error);
    const derBytes = der.value[0]!.der;
    const input = fc.oneof(
      mutatedText(pem, 28),
      mutatedBytes(derBytes),
      mutatedBytes(derBytes, 4).map((b) => toPem('CERTIFICATE', b)),
      mutatedBytes(derBytes).map((b) => Buffer.from(b).toString('base64')),
      anyText(512),
      anyBytes(512),
      fc.array(fc.constantFrom('-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN X509 CRL-----', '-----END X509 CRL-----', 'MIIB', '====', 'Proc-Type: 4', '\n', ' '), { maxLength: 20 }).map((x) => x.join('')),
    );
    fc.assert(
      fc.property(input, timed(o, (data: string | Uint8Array) => {
        for (const f of [(): unknown => (typeof data === 'string' ? pemBlocks(data) : pemBlocks(new TextDecoder().decode(data))), (): unknown => readCertificates(data), (): unknown => readCrls(data)]) {
          const r = refusalOrValue(f, data);
          if ('refused' in r) throw r.refused;
          mustReturnResult(r.value, data);
        }
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

// ---- streams: base64 and multipart ----------------------------------------------------------

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({ pull(c) { const x = chunks[i++]; if (x === undefined) c.close(); else c.enqueue(x); } }, { highWaterMark: 0 });
}
/** Cuts `bytes` at the given offsets (taken modulo its length, sorted, deduplicated). */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  if (bytes.length === 0) return [];
  const cuts = [...new Set(at.map((n) => n % bytes.length))].filter((n) => n > 0).sort((a, b) => a - b);
  const edges = [0, ...cuts, bytes.length];
  return edges.slice(1).map((end, i) => bytes.slice(edges[i], end));
}

const base64Property: FuzzProperty = {
  name: 'base64Bytes and base64JsonStream: any bytes in any chunking → the platform’s base64, as a JSON string',
  async check(o) {
    await fc.assert(
      fc.asyncProperty(anyBytes(700), fc.array(fc.nat(), { maxLength: 12 }), timedAsync(o, async (bytes: Uint8Array, at: number[]) => {
        const expected = Buffer.from(bytes).toString('base64');
        if (new TextDecoder().decode(base64Bytes(bytes)) !== expected) throw new Error('base64Bytes differs');
        const text = await new Response(base64JsonStream(streamOf(cut(bytes, at)))).text();
        if (text !== JSON.stringify(expected)) throw new Error(`stream differs for chunks at ${at}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

interface ReadPart { name: string | undefined; filename: string | undefined; bytes: string }

async function readMultipart(chunks: Uint8Array[], boundary: string): Promise<{ parts: ReadPart[] } | { error: string }> {
  const parts: ReadPart[] = [];
  try {
    for await (const p of parseMultipartStream(streamOf(chunks), boundary, { maxParts: 20, maxHeaderBytes: 512 })) {
      const bytes = new Uint8Array(await new Response(p.body).arrayBuffer());
      parts.push({ name: p.headers.name, filename: p.headers.filename, bytes: Buffer.from(bytes).toString('hex') });
    }
    return { parts };
  } catch (e) {
    if (e instanceof MultipartError) return { error: e.reason };
    throw new UncatalogedMultipart(e);
  }
}
class UncatalogedMultipart extends Error {
  constructor(override readonly cause: unknown) {
    super(`parseMultipartStream threw ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
  }
}

const boundaryArb = fc.oneof(
  fc.constantFrom('x', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'a'.repeat(70), '--', 'b c', '"q"'),
  fc.stringMatching(/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/),
  fc.string({ maxLength: 80 }),
);
const multipartBody = fc
  .record({
    boundary: boundaryArb,
    parts: fc.array(
      fc.record({
        // names without quotes, backslashes or edge spaces (the reference parser trims them)
        name: fc.stringMatching(/^[A-Za-z0-9_.\-]{0,10}$/),
        filename: fc.option(fc.stringMatching(/^[A-Za-z0-9_.\-]{0,10}$/)),
        content: fc.oneof(anyBytes(200), fc.constantFrom('\r\n', '--', '\r\n--', '').map(utf8Bytes)),
      }),
      { maxLength: 5 },
    ),
    epilogue: fc.constantFrom('', '\r\n', '\r\nepilogue'),
  })
  .map(({ boundary, parts, epilogue }) => {
    const pieces: Uint8Array[] = [];
    for (const p of parts)
      pieces.push(utf8Bytes(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === null ? '' : `; filename="${p.filename}"`}\r\n\r\n`), p.content, utf8Bytes('\r\n'));
    pieces.push(utf8Bytes(`--${boundary}--${epilogue}`));
    return { boundary, body: Uint8Array.from(pieces.flatMap((x) => [...x])) };
  });

const multipartProperty: FuzzProperty = {
  name: 'parseMultipartStream: random boundaries, bodies, framing edits and chunk splits → parts or a MultipartError; every chunking reads the same; well-formed bodies read as the reference parser reads them',
  weight: 0.5,
  async check(o) {
    const input = fc.oneof(
      multipartBody.map((m) => ({ ...m, edited: false })),
      multipartBody.chain((m) => mutatedBytes(m.body).map((body) => ({ boundary: m.boundary, body, edited: true }))),
      fc.tuple(boundaryArb, anyBytes(600)).map(([boundary, body]) => ({ boundary, body, edited: true })),
    );
    await fc.assert(
      fc.asyncProperty(input, fc.array(fc.nat(), { maxLength: 16 }), timedAsync(o, async ({ boundary, body, edited }: { boundary: string; body: Uint8Array; edited: boolean }, at: number[]) => {
        const whole = await readMultipart(body.length ? [body] : [], boundary);
        const split = await readMultipart(cut(body, at), boundary);
        const bytewise = await readMultipart(cut(body, Array.from({ length: body.length }, (_, i) => i)), boundary);
        const a = JSON.stringify(whole);
        if (JSON.stringify(split) !== a || JSON.stringify(bytewise) !== a) throw new Error(`chunking changed the result: ${a} vs ${JSON.stringify(split)} vs ${JSON.stringify(bytewise)}`);
        if (edited || 'error' in whole) return;
        // A well-formed body whose content holds no delimiter: the reference parser reads the same.
        const delimiter = Buffer.from(`\r\n--${boundary}`);
        if (Buffer.from(body).indexOf(delimiter, 1) !== Buffer.from(body).lastIndexOf(delimiter) && whole.parts.length < 2) return;
        let expected: ReadPart[];
        try {
          expected = [...parseMultipart(body, { boundary, maxFileSize: Infinity, maxTotalSize: Infinity })].map((p) => ({ name: p.name, filename: p.filename, bytes: Buffer.from(p.bytes).toString('hex') }));
        } catch {
          return; // the reference refuses what Elo read: compared only where both read
        }
        if (JSON.stringify(expected) !== JSON.stringify(whole.parts)) throw new Error(`differs from the reference: ${JSON.stringify(expected)} vs ${a}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
};

// ---- the administration API's request schemas -----------------------------------------------

const adminHub = once(async () => {
  // A webhook URL is resolved when set: the fuzzed names never reach DNS or the network.
  const t = await startTestHub({
    env: { ELO_SWEEP_INTERVAL_SECONDS: '86400' },
    webhookTransport: {
      resolve: async () => ['127.0.0.1'],
      post: async () => {
        throw new Error('no delivery in the fuzzing of request schemas');
      },
    },
  });
  const token = readFileSync(t.paths.adminToken, 'utf8').trim();
  return { t, token };
});

/** Each route with a body of the shape its schema documents, for near-valid mutations. */
const adminRoutes: { method: string; path: string; valid: unknown }[] = [
  { method: 'POST', path: '/admin/api/sistemas', valid: { id: 'sei-fuzz', participante: '00000000000191', nome: 'SEI', estruturas: [{ repositorio: 1, numero: '1001', subarvore: true, papel: 'ambos' }] } },
  { method: 'POST', path: '/admin/api/participantes', valid: { cnpj: '11222333000181', nome: 'Órgão', sigla: 'ORG', esfera: 'estadual', poder: 'executivo', uf: 'SP', ibge: '3550308', contatos: [{ nome: 'A', email: 'a@b.c' }], situacao: 'pendente', motivo: 'teste' } },
  { method: 'POST', path: '/admin/api/participantes/00000000000191/estruturas', valid: { repositorio: 1, numero: '1001', subarvore: false } },
  { method: 'POST', path: '/admin/api/participantes/00000000000191/suspensao', valid: { motivo: 'teste' } },
  { method: 'POST', path: '/admin/api/convites', valid: { validadeDias: 14, nota: 'x' } },
  { method: 'POST', path: '/admin/api/nres/importacao', valid: [{ nre: '0000025656262025', protocolo: '1.2/2026', sistema: 'sei-estado' }] },
  { method: 'POST', path: '/admin/api/nres/0000025656262025/reatribuicao', valid: { sistema: 'sei-estado', motivo: 'teste' } },
  { method: 'PUT', path: '/admin/api/sistemas/sei-estado/webhook', valid: { url: 'https://hooks.example/elo' } },
  { method: 'PUT', path: '/admin/api/sistemas/sei-estado/capacidades', valid: { mimeTypesAceitos: ['application/pdf'], tamanhoMaximoEmBytes: 1000, envioParcial: true } },
  { method: 'POST', path: '/admin/api/listas/especies', valid: { codigo: 900, nome: 'Espécie', ativo: true, motivo: 'teste' } },
  { method: 'PATCH', path: '/admin/api/listas/especies/42', valid: { nome: 'Outra', ativo: false, motivo: 'teste' } },
];

const adminBody = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom('id', 'participante', 'nome', 'estruturas', 'url', 'segredo', 'eventos', 'cnpj', 'numero', 'repositorio', 'papel', 'capacidades', 'codigo', 'email', 'sigla', 'ativo'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null)), { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  anyText(300),
  fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"x":1}}', `{"a":${'['.repeat(5000)}}`),
);

const adminProperty: FuzzProperty = {
  name: 'admin API: random and near-valid bodies to POST/PUT/PATCH routes → never a 5xx; every refusal is problem+json',
  weight: 0.5,
  async check(o) {
    const { t, token } = await adminHub();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...adminRoutes).chain((route) => fc.tuple(fc.constant(route), fc.oneof(adminBody, mutatedJsonText(route.valid)))).map(([route, body]) => ({ route, body })),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''), timedAsync(o, async ({ route, body }: { route: { method: string; path: string }; body: string }, contentType: string) => {
        const res = await t.hub.app.request(route.path, { method: route.method, body, headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) } });
        const text = await res.text();
        // the schemas are what is fuzzed: a refused token would test nothing
        if (res.status === 401 || res.status === 403) throw new Error(`${route.method} ${route.path} answered ${res.status}: ${text.slice(0, 200)}`);
        if (res.status >= 500) throw new Error(`${route.method} ${route.path} answered ${res.status} for ${JSON.stringify(body).slice(0, 300)}: ${text.slice(0, 300)}`);
        if (res.status >= 400 && !(res.headers.get('content-type') ?? '').startsWith('application/problem+json'))
          throw new Error(`${route.method} ${route.path} refused ${res.status} without problem+json: ${res.headers.get('content-type')}`);
      })),
      fuzzParams(runsOf(o, this), o),
    );
  },
  async close() {
    const { t } = await adminHub();
    adminHub.reset();
    await t.close();
  },
};

export const fuzzProperties: FuzzProperty[] = [
  guardXmlProperty,
  parseStrictProperty,
  parseSignatureTreeProperty,
  readPackageXmlProperty,
  verifyEnvelopedProperty,
  readDossieProperty,
  receiptStringsProperty,
  startBodyProperty,
  jsonMembersProperty,
  cnpjProperty,
  structuresProperty,
  pkiProperty,
  base64Property,
  multipartProperty,
  adminProperty,
];
