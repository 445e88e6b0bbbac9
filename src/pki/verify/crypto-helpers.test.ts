import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { federation, makeCrl } from '../../../test/pki/test-pki.ts';
import { BRAINPOOL_CURVES, verifyBrainpoolEcdsa } from './brainpool.ts';
import { toHex } from '../encoding.ts';
import { spkiKeyBits, splitSigned } from './der.ts';
import { parseCertificatesPem, readCrls, summarize } from './index.ts';
import { EloError } from '../../domain/errors.ts';
import { sha256 } from '../sha256.ts';
import { formatSerial } from './summary.ts';

// node:crypto appears only here, as the reference the portable code is checked against.

describe('sha256', () => {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('gives the NIST digest of %j', (text, digest) => {
    expect(toHex(sha256(new TextEncoder().encode(text)))).toBe(digest);
  });

  it('gives the NIST digest of a million times "a"', () => {
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it.each([0, 1, 55, 56, 63, 64, 65, 1000, 4096])(
    'matches the reference digest for %i bytes',
    (n) => {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    },
  );

  it('matches the reference digest on 200 random inputs, Buffers and offset views included', () => {
    for (let i = 0; i < 200; i++) {
      const backing = randomBytes(1 + ((i * 7919) % 3000));
      const start = i % 3 === 0 ? 0 : i % backing.length;
      const view = i % 2 === 0 ? backing.subarray(start) : new Uint8Array(backing.buffer, backing.byteOffset + start, backing.length - start);
      expect(toHex(sha256(view))).toBe(createHash('sha256').update(view).digest('hex'));
    }
  });
});

describe('brainpool ECDSA', () => {
  const keyPair = (curve: string) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const point = spkiKeyBits(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
    expect(point).not.toBeNull();
    return { privateKey, point: point! };
  };
  const digestOf = (hash: string, message: Uint8Array) =>
    new Uint8Array(createHash(hash).update(message).digest());

  it.each(['brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'])(
    'verifies a %s signature made by OpenSSL (through node:crypto) and refuses a changed message',
    (curve) => {
      const { privateKey, point } = keyPair(curve);
      const message = new TextEncoder().encode(`mensagem assinada com ${curve}`);
      const signature = new Uint8Array(sign('sha256', message, privateKey));
      const digest = digestOf('sha256', message);
      expect(verifyBrainpoolEcdsa(curve, digest, signature, point)).toBe(true);
      digest[0]! ^= 1;
      expect(verifyBrainpoolEcdsa(curve, digest, signature, point)).toBe(false);
    },
  );

  it('truncates a digest longer than the order as OpenSSL does (SHA-512 over brainpoolP256r1)', () => {
    const { privateKey, point } = keyPair('brainpoolP256r1');
    const message = new TextEncoder().encode('resumo mais longo que a ordem da curva');
    const signature = new Uint8Array(sign('sha512', message, privateKey));
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digestOf('sha512', message), signature, point)).toBe(true);
  });

  it('accepts the compressed form of the public point and both halves of s (X.509 has no low-S rule)', () => {
    const curve = BRAINPOOL_CURVES.brainpoolP384r1;
    const { privateKey, point } = keyPair('brainpoolP384r1');
    const message = new TextEncoder().encode('metade alta de s');
    const der = new Uint8Array(sign('sha384', message, privateKey));
    const digest = digestOf('sha384', message);
    const compressed = curve.Point.fromBytes(point).toBytes(true);
    expect(verifyBrainpoolEcdsa('brainpoolP384r1', digest, der, compressed)).toBe(true);
    const { r, s } = curve.Signature.fromBytes(der, 'der');
    const mirrored = new curve.Signature(r, curve.Point.Fn.ORDER - s).toBytes('der');
    expect(verifyBrainpoolEcdsa('brainpoolP384r1', digest, mirrored, point)).toBe(true);
  });

  it('refuses signatures that are not strict DER: padded integers, trailing bytes, long-form short lengths', () => {
    const { privateKey, point } = keyPair('brainpoolP256r1');
    const message = new TextEncoder().encode('DER estrito');
    const der = new Uint8Array(sign('sha256', message, privateKey));
    const digest = digestOf('sha256', message);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, der, point)).toBe(true);
    const { r, s } = BRAINPOOL_CURVES.brainpoolP256r1.Signature.fromBytes(der, 'der');
    const int = (v: bigint, pad = false) => {
      let hex = v.toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
      // a zero byte beyond the one a high first byte needs: never minimal, whatever r is
      if (pad) hex = `00${hex}`;
      const body = Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
      return [0x02, body.length, ...body];
    };
    const seq = (body: number[], longForm = false) =>
      new Uint8Array(longForm ? [0x30, 0x81, body.length, ...body] : [0x30, body.length, ...body]);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, seq([...int(r), ...int(s)]), point)).toBe(true);
    const lenient = [
      seq([...int(r, true), ...int(s)]),
      seq([...int(r), ...int(s)], true),
      new Uint8Array([...der, 0x00]),
      der.subarray(0, der.length - 1),
    ];
    for (const bad of lenient) expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, bad, point)).toBe(false);
  });

  it('refuses r or s out of range, a point off the curve and unknown curves', () => {
    const { point } = keyPair('brainpoolP256r1');
    const digest = new Uint8Array(32);
    const zeroR = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, zeroR, point)).toBe(false);
    const n = BRAINPOOL_CURVES.brainpoolP256r1.Point.Fn.ORDER;
    const nBytes = [0x00, ...Uint8Array.from(n.toString(16).match(/../g)!, (h) => Number.parseInt(h, 16))];
    const rIsN = new Uint8Array([0x30, 3 + nBytes.length + 3, 0x02, nBytes.length, ...nBytes, 0x02, 0x01, 0x01]);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, rIsN, point)).toBe(false);
    const offCurve = point.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    const oneOne = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, oneOne, offCurve)).toBe(false);
    expect(verifyBrainpoolEcdsa('brainpoolP999r1', digest, oneOne, point)).toBe(false);
  });
});

describe('summaries and PEM bundles', () => {
  it('summarizes with the SHA-256 of the DER, upper-case serial and RFC 4514 names', async () => {
    const { int, leaf } = await federation();
    const s = summarize(leaf.cert.toString('pem'));
    expect(s.fingerprint256).toBe(
      createHash('sha256').update(new Uint8Array(leaf.cert.rawData)).digest('hex'),
    );
    expect(s.serial).toBe(formatSerial(leaf.cert.serialNumber));
    expect(s.serial).toMatch(/^([0-9A-F]{2})+$/);
    expect(s.subject).toBe('CN=sei.teste.gov.br,O=Prefeitura,C=BR');
    expect(s.issuer).toBe(summarize(int.cert).subject);
    expect(s.notAfter).toBe('2030-01-01T00:00:00Z');
  });

  it('drops the sign byte and pads serials to whole bytes', () => {
    expect(formatSerial('00ff01')).toBe('FF01');
    expect(formatSerial('a')).toBe('0A');
    expect(formatSerial('00')).toBe('00');
  });

  it('splits a bundle into its certificates in file order and skips other PEM blocks', async () => {
    const { root, int, leaf } = await federation();
    const bundle = [
      leaf.cert.toString('pem'),
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
      int.cert.toString('pem'),
      root.cert.toString('pem'),
    ].join('\n');
    expect(parseCertificatesPem(bundle).map((c) => summarize(c).subject)).toEqual([
      'CN=sei.teste.gov.br,O=Prefeitura,C=BR',
      'CN=AC de Teste,O=Federacao,C=BR',
      'CN=Raiz de Teste,O=Federacao,C=BR',
    ]);
  });

  it('throws the catalogue error, in Portuguese, for a bundle without certificates', () => {
    expect(() => parseCertificatesPem('nada aqui')).toThrow(EloError);
    expect(() => parseCertificatesPem('nada aqui')).toThrow(
      /Conteúdo PEM de certificados inválido/,
    );
  });

  it('reads CRLs in PEM and DER alike', async () => {
    const { int } = await federation();
    const crl = await makeCrl({ issuer: int });
    const fromPem = readCrls(crl.toString('pem'));
    const fromDer = readCrls(new Uint8Array(crl.rawData));
    expect(fromPem.ok && fromDer.ok).toBe(true);
    if (fromPem.ok && fromDer.ok)
      expect(fromPem.value[0]!.thisUpdate).toEqual(fromDer.value[0]!.thisUpdate);
  });

  it('finds the to-be-signed bytes, the signature algorithm and the signature of a certificate and a CRL', async () => {
    const { int, leaf } = await federation();
    const der = new Uint8Array(leaf.cert.rawData);
    const parts = splitSigned(der, 'certificate');
    expect(parts?.signatureOid).toBe('1.2.840.10045.4.3.2');
    // TBSCertificate is the first element of the outer SEQUENCE (30 82 LL LL), byte for byte.
    expect(toHex(parts!.tbs)).toBe(toHex(der.subarray(4, 4 + parts!.tbs.length)));
    expect(parts!.signature[0]).toBe(0x30);
    expect(toHex(der.subarray(der.length - parts!.signature.length))).toBe(toHex(parts!.signature));
    const crl = await makeCrl({ issuer: int });
    const crlParts = splitSigned(new Uint8Array(crl.rawData), 'crl');
    expect(crlParts?.signatureOid).toBe(parts?.signatureOid);
    expect(crlParts!.signature[0]).toBe(0x30);
    const crlDer = new Uint8Array(crl.rawData);
    expect(toHex(crlDer.subarray(crlDer.length - crlParts!.signature.length))).toBe(toHex(crlParts!.signature));
  });

  it('reads nothing from bytes that are not the structure asked for', async () => {
    const { leaf } = await federation();
    const der = new Uint8Array(leaf.cert.rawData);
    expect(splitSigned(der.subarray(0, der.length - 1), 'certificate')).toBeNull();
    expect(splitSigned(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'certificate')).toBeNull();
    expect(splitSigned(new Uint8Array(), 'crl')).toBeNull();
    expect(spkiKeyBits(new Uint8Array([0x30, 0x00]))).toBeNull();
  });
});
