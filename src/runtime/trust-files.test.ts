import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federation, makeCrl } from '../../test/pki/test-pki.ts';
import type { X509Certificate, X509Crl } from '../pki/x509.ts';
import { fileTrustSource } from './trust-files.ts';

describe('fileTrustSource', () => {
  let dir = '';
  let anchor = '';
  let crlFile = '';
  let revokedCrl = '';
  let emptyCrl = '';
  let revokedSerial = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-trust-files-'));
    const pki = await federation();
    anchor = join(dir, 'raiz.pem');
    writeFileSync(anchor, pki.root.cert.toString('pem'));
    crlFile = join(dir, 'ac.crl');
    emptyCrl = (await makeCrl({ issuer: pki.int })).toString('pem');
    revokedCrl = (await makeCrl({ issuer: pki.int, revoked: [{ cert: pki.leaf.cert }] })).toString('pem');
    revokedSerial = pki.leaf.cert.serialNumber;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // the source hands out the parsed objects it read (the port also admits PEM strings)
  const serials = async (source: ReturnType<typeof fileTrustSource>) => ((await source.crls()) as X509Crl[]).flatMap((c) => c.entries.map((e) => e.serialNumber));

  it('reads a CRL file that is not there yet as no CRL, and the one published later at the very next call', async () => {
    const source = fileTrustSource([anchor], () => [crlFile]);
    expect(await source.crls()).toEqual([]);
    writeFileSync(crlFile, revokedCrl);
    expect(await serials(source)).toEqual([revokedSerial]);
    unlinkSync(crlFile);
    expect(await source.crls()).toEqual([]);
  });

  it('re-reads a CRL replaced in place, and keeps the same list object while no file changed', async () => {
    writeFileSync(crlFile, emptyCrl);
    const source = fileTrustSource([anchor], () => [crlFile]);
    const first = await source.crls();
    expect(await source.crls()).toBe(first); // callers key caches on its identity
    writeFileSync(crlFile, revokedCrl); // a new size and a new mtime: either tells the change
    expect(await serials(source)).toEqual([revokedSerial]);
  });

  it('reads a missing anchor file as no anchor, without failing the others', async () => {
    const source = fileTrustSource([join(dir, 'nao-existe.pem'), anchor], () => []);
    expect(((await source.anchors()) as X509Certificate[]).map((c) => c.subject)).toEqual(['C=BR, O=Federacao, CN=Raiz de Teste']);
  });
});
