import { describe, expect, it } from 'vitest';
import { fromBase64, fromPem, pemBlocks, toBase64, toHex, toPem } from './encoding.ts';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

describe('hex and base64', () => {
  it('writes lower-case hex with two digits a byte', () => {
    expect(toHex(new Uint8Array([0, 1, 171, 255]))).toBe('0001abff');
    expect(toHex(new Uint8Array())).toBe('');
  });

  it('writes and reads base64 as Node does, for every length up to three blocks of padding', () => {
    for (let n = 0; n <= 70; n++) {
      const b = bytes(n);
      expect(toBase64(b), `length ${n}`).toBe(Buffer.from(b).toString('base64'));
      expect(fromBase64(toBase64(b)), `length ${n}`).toEqual(b);
    }
  });

  it('encodes a body larger than a call stack can spread (a whole component, not just a signature)', () => {
    const big = bytes(1_000_000);
    expect(toBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it('refuses base64 that is unpadded, wrapped, URL-safe or not base64 at all', () => {
    for (const bad of ['RWx', 'RW xv', 'RWxv\n', '-_8=', 'RW=v', '****']) expect(fromBase64(bad), bad).toBeNull();
  });
});

describe('PEM (RFC 7468)', () => {
  it('writes lines of 64 characters and reads back the same bytes', () => {
    const der = bytes(100);
    const pem = toPem('CERTIFICATE', der);
    const b64 = Buffer.from(der).toString('base64');
    expect(pem.split('\n')).toEqual([
      '-----BEGIN CERTIFICATE-----',
      b64.slice(0, 64),
      b64.slice(64, 128),
      b64.slice(128),
      '-----END CERTIFICATE-----',
      '',
    ]);
    expect(fromPem(pem, 'CERTIFICATE')).toEqual(der);
  });

  it('lists every block of a bundle in order with its label, skipping RFC 1421 headers', () => {
    const text = `texto antes\n${toPem('CERTIFICATE', bytes(3))}${toPem('X509 CRL', bytes(5)).replace('\n', '\nProc-Type: 4,ENCRYPTED\n')}`;
    const r = pemBlocks(text);
    expect(r.ok && r.value.map((b) => [b.label, b.der.length])).toEqual([
      ['CERTIFICATE', 3],
      ['X509 CRL', 5],
    ]);
  });

  it('names the block whose body is not base64, and throws when the wanted label is absent', () => {
    const broken = `${toPem('CERTIFICATE', bytes(3))}-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n`;
    expect(pemBlocks(broken)).toEqual({ ok: false, error: 'o bloco PEM "CERTIFICATE" nº 2 não contém base64 válido' });
    expect(() => fromPem(toPem('CERTIFICATE', bytes(3)), 'PRIVATE KEY')).toThrow(TypeError);
  });
});
