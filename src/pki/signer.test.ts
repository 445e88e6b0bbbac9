import { describe, expect, it, vi } from 'vitest';
import { makeCert } from '../../test/pki/test-pki.ts';
import * as parse from './verify/parse.ts';
import { pemSignatureVerifier } from './signer.ts';
import { RSA_SHA256 } from './x509.ts';

const rsaKeys = () =>
  globalThis.crypto.subtle.generateKey({ ...RSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

describe('pemSignatureVerifier', () => {
  it('verifies an RSA-SHA256 signature by the certificate’s key, refuses a wrong one, and reads each PEM once', async () => {
    const keys = await rsaKeys();
    const root = await makeCert({ subject: 'CN=Raiz,O=Teste,C=BR', ca: true });
    const leaf = await makeCert({ subject: 'CN=sei,O=Teste,C=BR', issuer: root, keys });
    const pem = leaf.cert.toString('pem');
    const data = new TextEncoder().encode('<recibo><IDT>1</IDT></recibo>');
    const signature = new Uint8Array(await globalThis.crypto.subtle.sign(RSA_SHA256, keys.privateKey, data));
    const reads = vi.spyOn(parse, 'readCertificates');
    const verify = pemSignatureVerifier();
    expect(await verify(pem, data, signature)).toBe(true);
    expect(await verify(pem, new TextEncoder().encode('<recibo><IDT>2</IDT></recibo>'), signature)).toBe(false);
    expect(await verify(pem, data, signature.map((b, i) => (i === 0 ? b ^ 1 : b)))).toBe(false);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
  });

  it('verifies nothing with a PEM that is not a certificate, or whose key is not RSA', async () => {
    const ec = await makeCert({ subject: 'CN=ec,O=Teste,C=BR' });
    const verify = pemSignatureVerifier();
    const data = new Uint8Array([1, 2, 3]);
    expect(await verify('não é um PEM', data, new Uint8Array(256))).toBe(false);
    expect(await verify(ec.cert.toString('pem'), data, new Uint8Array(64))).toBe(false);
  });

  it('forgets everything past its bound instead of growing', async () => {
    const verify = pemSignatureVerifier(2);
    const reads = vi.spyOn(parse, 'readCertificates');
    for (const pem of ['a', 'b', 'c', 'a']) await verify(pem, new Uint8Array(1), new Uint8Array(1));
    expect(reads).toHaveBeenCalledTimes(4);
    reads.mockRestore();
  });
});
