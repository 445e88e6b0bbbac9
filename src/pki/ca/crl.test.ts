import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { crlToPem, issueCrl } from './crl.ts';
import { createRootCa } from './issue.ts';

describe('issueCrl', () => {
  it('writes a CRL that openssl reads and verifies against the issuing CA, listing the revoked serial', async () => {
    const at = new Date();
    const issuer = await createRootCa({ name: 'CN=AC de Teste', at });
    const crl = await issueCrl({ issuer, entries: [{ serial: '0a1b2c3d', revokedAt: at }], at, days: 7 });
    const dir = mkdtempSync(join(tmpdir(), 'elo-crl-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'crl.pem'), crlToPem(crl));
    writeFileSync(join(dir, 'ca.pem'), issuer.certificate.toString('pem'));
    const out = execFileSync('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-CAfile', join(dir, 'ca.pem'), '-noout', '-text'], {
      stdio: 'pipe',
    }).toString();
    expect(out).toMatch(/Serial Number: 0A1B2C3D/i);
    expect(out).toContain('Next Update');
    // both times are encoded in whole seconds: compare them with each other, not with `at`
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(7 * 86_400_000);
  });
});
