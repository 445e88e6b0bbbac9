import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { federation, makeCrl } from '../../../test/pki/test-pki.ts';
import { verifyBrainpoolEcdsa } from './brainpool.ts';
import { toHex } from '../encoding.ts';
import { ecdsaSignatureValues, spkiKeyBits, splitSigned } from './der.ts';
import { parseCertificatesPem, readCrls, summarize } from './index.ts';
import { EloError } from '../../domain/errors.ts';
import { sha256 } from '../sha256.ts';
import { formatSerial } from './summary.ts';

// node:crypto appears only here, as the reference the portable code is checked against.

describe('sha256', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 1000, 4096])(
    'matches the reference digest for %i bytes',
    (n) => {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    },
  );
});

describe('brainpool ECDSA', () => {
  it.each(['brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'])(
    'verifies a %s signature made by OpenSSL (through node:crypto) and refuses a changed message',
    (curve) => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const message = new TextEncoder().encode(`mensagem assinada com ${curve}`);
      const signature = new Uint8Array(sign('sha256', message, privateKey));
      const point = spkiKeyBits(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
      const values = ecdsaSignatureValues(signature);
      expect(point).not.toBeNull();
      expect(values).not.toBeNull();
      const digest = new Uint8Array(createHash('sha256').update(message).digest());
      expect(verifyBrainpoolEcdsa(curve, digest, values!, point!)).toBe(true);
      digest[0]! ^= 1;
      expect(verifyBrainpoolEcdsa(curve, digest, values!, point!)).toBe(false);
    },
  );

  it('refuses r or s out of range and unknown curves', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const point = spkiKeyBits(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })))!;
    const digest = new Uint8Array(32);
    expect(verifyBrainpoolEcdsa('brainpoolP256r1', digest, { r: 0n, s: 1n }, point)).toBe(false);
    expect(verifyBrainpoolEcdsa('brainpoolP999r1', digest, { r: 1n, s: 1n }, point)).toBe(false);
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

  it('finds the to-be-signed bytes and the signature algorithm of a certificate', async () => {
    const { leaf } = await federation();
    const parts = splitSigned(new Uint8Array(leaf.cert.rawData));
    expect(parts?.signatureOid).toBe('1.2.840.10045.4.3.2');
    expect(parts && ecdsaSignatureValues(parts.signature)).not.toBeNull();
  });
});
