import { describe, expect, it } from 'vitest';
import { edgePeerCertificate } from './edge-identity.ts';

const der = (n: number) => new Uint8Array([0x30, 0x03, 0x02, 0x01, n]);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const FP = 'ab'.repeat(32);
const registered = (pem: string | null) => async (fp: string) => (fp === FP ? pem : null);
const PEM = `-----BEGIN CERTIFICATE-----\n${b64(der(9))}\n-----END CERTIFICATE-----\n`;

describe('the client certificate at the edge (request.cf.tlsClientAuth)', () => {
  it('takes the leaf and the chain from the RFC 9440 fields, whatever Cloudflare’s own verdict', async () => {
    const r = await edgePeerCertificate(
      { certPresented: '1', certVerified: 'FAILED:self signed', certRFC9440: `:${b64(der(1))}:`, certChainRFC9440: `:${b64(der(2))}:, :${b64(der(3))}:`, certFingerprintSHA256: FP },
      registered(PEM),
    );
    expect(r.via).toBe('rfc9440');
    expect(r.peer).toEqual({ leaf: der(1), chain: [der(2), der(3)] });
  });

  it('falls back to the registered certificate by fingerprint when the bytes are not forwarded (over 10 KiB, or not configured)', async () => {
    const r = await edgePeerCertificate({ certPresented: '1', certRFC9440: '', certRFC9440TooLarge: true, certFingerprintSHA256: FP.toUpperCase() }, registered(PEM));
    expect(r).toEqual({ peer: { leaf: der(9), chain: [] }, via: 'impressao_digital' });
  });

  it('has no certificate when none was presented, the fingerprint is unknown or malformed, or the RFC 9440 value is not a byte sequence and nothing is registered', async () => {
    expect(await edgePeerCertificate(undefined, registered(PEM))).toEqual({ peer: null, via: 'nenhum' });
    expect(await edgePeerCertificate({ certPresented: '0', certRFC9440: `:${b64(der(1))}:` }, registered(PEM))).toEqual({ peer: null, via: 'nenhum' });
    expect(await edgePeerCertificate({ certPresented: '1', certFingerprintSHA256: 'cd'.repeat(32) }, registered(PEM))).toEqual({ peer: null, via: 'nenhum' });
    expect(await edgePeerCertificate({ certPresented: '1', certFingerprintSHA256: 'xyz' }, registered(PEM))).toEqual({ peer: null, via: 'nenhum' });
    expect(await edgePeerCertificate({ certPresented: '1', certRFC9440: 'MIIB…sem dois-pontos', certFingerprintSHA256: 'cd'.repeat(32) }, registered(PEM))).toEqual({ peer: null, via: 'nenhum' });
  });
});
