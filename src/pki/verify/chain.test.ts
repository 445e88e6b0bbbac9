import { describe, expect, it } from 'vitest';
import {
  AT,
  CLIENT_AUTH,
  federation,
  makeCert,
  makeCrl,
  newKeys,
  pingPongChain,
} from '../../../test/pki/test-pki.ts';
import {
  bestDeadEnd,
  buildPaths,
  PATH_BUILDING_LIMITS,
  SignatureCache,
  type CompletePath,
  type PoolEntry,
} from './chain.ts';
import { verifyCertificate } from './index.ts';
import { formatName } from './names.ts';
import type { X509Certificate } from '../x509.ts';

const pool = (anchors: X509Certificate[], intermediates: X509Certificate[]): PoolEntry[] => [
  ...anchors.map((cert, order) => ({ cert, anchor: true, order })),
  ...intermediates.map((cert, i) => ({ cert, anchor: false, order: anchors.length + i })),
];

const subjects = (path: CompletePath | null): string[] =>
  (path?.certs ?? []).map((c) => formatName(c.subjectName));

const acceptFirst = async (): Promise<boolean> => true;

describe('chain builder', () => {
  it('builds leaf → intermediate → anchor from intermediates in any order with unrelated extras', async () => {
    const { root, int, leaf } = await federation();
    const unrelated = await makeCert({ subject: 'CN=Outra AC,C=BR', ca: true });
    const result = await buildPaths(leaf.cert, pool([root.cert], [unrelated.cert, int.cert]), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: acceptFirst,
    });
    expect(subjects(result.accepted)).toEqual([
      'CN=sei.teste.gov.br,O=Prefeitura,C=BR',
      'CN=AC de Teste,O=Federacao,C=BR',
      'CN=Raiz de Teste,O=Federacao,C=BR',
    ]);
    expect(result.accepted?.links).toEqual(['verified', 'verified']);
  });

  it('tries the next same-name candidate when the first one did not sign a leaf without key identifier', async () => {
    const { root } = await federation();
    const first = await makeCert({ subject: 'CN=AC Homonima,C=BR', issuer: root, ca: true });
    const second = await makeCert({ subject: 'CN=AC Homonima,C=BR', issuer: root, ca: true });
    const leaf = await makeCert({
      subject: 'CN=folha,C=BR',
      issuer: second,
      authorityKeyId: false,
      eku: [CLIENT_AUTH],
    });
    const signatures = new SignatureCache();
    const result = await buildPaths(leaf.cert, pool([root.cert], [first.cert, second.cert]), {
      at: AT,
      signatures,
      onComplete: acceptFirst,
    });
    expect(result.accepted?.certs[1]).toBe(second.cert);
    expect(result.deadEnd).toEqual(
      expect.objectContaining({ kind: 'signature_invalid', candidate: first.cert }),
    );
    expect(result.work.deadEnds).toBe(1);
  });

  it('backtracks when the first candidate issuer leads to an untrusted root (cross-certified CA)', async () => {
    const { root, int, leaf } = await federation();
    const foreignRoot = await makeCert({ subject: 'CN=Raiz Estrangeira,C=BR', ca: true });
    // Same name and key as the intermediate, certified by a root that is not trusted; given first.
    const cross = await makeCert({
      subject: 'CN=AC de Teste,O=Federacao,C=BR',
      issuer: foreignRoot,
      keys: int.keys,
      ca: true,
    });
    const result = await buildPaths(
      leaf.cert,
      pool([root.cert], [cross.cert, foreignRoot.cert, int.cert]),
      {
        at: AT,
        signatures: new SignatureCache(),
        onComplete: acceptFirst,
      },
    );
    expect(result.accepted?.certs).toEqual([leaf.cert, int.cert, root.cert]);
    expect(result.deadEnd?.kind).toBe('untrusted_root');
    expect(result.work.deadEnds).toBe(1);
  });

  it('prefers a currently valid re-issued intermediate over an expired copy with the same key', async () => {
    const { root, int, leaf } = await federation();
    const expiredCopy = await makeCert({
      subject: 'CN=AC de Teste,O=Federacao,C=BR',
      issuer: root,
      keys: int.keys,
      ca: true,
      notBefore: new Date('2015-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-01T00:00:00Z'),
    });
    const evaluated: X509Certificate[][] = [];
    const result = await buildPaths(leaf.cert, pool([root.cert], [expiredCopy.cert, int.cert]), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: async (path) => {
        evaluated.push(path.certs);
        return true;
      },
    });
    expect(evaluated).toHaveLength(1);
    expect(result.accepted?.certs[1]).toBe(int.cert);
  });

  it('offers the other candidate path when the first complete path is refused by the checks', async () => {
    const { root, int, leaf } = await federation();
    const expiredCopy = await makeCert({
      subject: 'CN=AC de Teste,O=Federacao,C=BR',
      issuer: root,
      keys: int.keys,
      ca: true,
      notBefore: new Date('2015-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-01T00:00:00Z'),
    });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [expiredCopy.cert, int.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result.valid).toBe(true);
  });

  it('explains a refusal by the candidate path that passed the most checks', async () => {
    const { root, int, leaf } = await federation();
    // Same name and key as the intermediate, but signed with SHA-1: its path fails early.
    const sha1Copy = await makeCert({
      subject: 'CN=AC de Teste,O=Federacao,C=BR',
      issuer: root,
      keys: int.keys,
      ca: true,
      hash: 'SHA-1',
    });
    const crl = await makeCrl({ issuer: int, revoked: [{ cert: leaf.cert }] });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [sha1Copy.cert, int.cert],
      anchors: [root.cert],
      crls: [crl],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: false, code: 'cert_revoked' });
  });

  it('ends the path at an anchor that is an intermediate, without the root', async () => {
    const { int, leaf } = await federation();
    const result = await buildPaths(leaf.cert, pool([int.cert], []), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: acceptFirst,
    });
    expect(result.accepted?.certs).toEqual([leaf.cert, int.cert]);
  });

  it('accepts the leaf alone when the leaf itself is an anchor', async () => {
    const pinned = await makeCert({ subject: 'CN=fixado,C=BR', eku: [CLIENT_AUTH] });
    const result = await buildPaths(pinned.cert, pool([pinned.cert], []), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: acceptFirst,
    });
    expect(result.accepted?.certs).toEqual([pinned.cert]);
  });

  it('records a missing issuer as a dead end at the certificate whose issuer is absent', async () => {
    const { root, leaf } = await federation();
    const result = await buildPaths(leaf.cert, pool([root.cert], []), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: acceptFirst,
    });
    expect(result.accepted).toBeNull();
    expect(result.deadEnd).toEqual({ kind: 'issuer_not_found', certs: [leaf.cert] });
    expect(result.work.deadEnds).toBe(1);
  });

  it('rules out a same-name issuer whose key identifier differs, without checking its signature', async () => {
    const { root, int } = await federation();
    const impostor = await makeCert({ subject: 'CN=AC de Teste,O=Federacao,C=BR', ca: true });
    const leaf = await makeCert({ subject: 'CN=folha,C=BR', issuer: impostor, eku: [CLIENT_AUTH] });
    const result = await buildPaths(leaf.cert, pool([root.cert], [int.cert]), {
      at: AT,
      signatures: new SignatureCache(),
      onComplete: acceptFirst,
    });
    expect(result.deadEnd).toEqual({
      kind: 'key_id_mismatch',
      certs: [leaf.cert],
      candidate: int.cert,
    });
    expect(result.work.deadEnds).toBe(1);
  });

  it('terminates on CAs that certify each other and reports the chain as untrusted', async () => {
    const keysA = await newKeys();
    const keysB = await newKeys();
    const selfA = await makeCert({ subject: 'CN=AC A,C=BR', keys: keysA, ca: true });
    const selfB = await makeCert({ subject: 'CN=AC B,C=BR', keys: keysB, ca: true });
    const aByB = await makeCert({ subject: 'CN=AC A,C=BR', keys: keysA, issuer: selfB, ca: true });
    const bByA = await makeCert({ subject: 'CN=AC B,C=BR', keys: keysB, issuer: selfA, ca: true });
    const leaf = await makeCert({
      subject: 'CN=folha,C=BR',
      issuer: { cert: aByB.cert, keys: keysA },
      eku: [CLIENT_AUTH],
    });
    const { root } = await federation();
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [aByB.cert, bByA.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: false, code: 'chain_untrusted' });
  });

  it('explains a failure by the dead end that got furthest from the leaf', () => {
    const a = {} as X509Certificate;
    const b = {} as X509Certificate;
    const c = {} as X509Certificate;
    const best = bestDeadEnd([
      { kind: 'signature_invalid', certs: [a], candidate: b },
      { kind: 'untrusted_root', certs: [a, b, c] },
      { kind: 'issuer_not_found', certs: [a, b] },
    ]);
    expect(best?.kind).toBe('untrusted_root');
  });

  it('prefers the most specific dead end among those that got equally far', () => {
    const a = {} as X509Certificate;
    const b = {} as X509Certificate;
    const best = bestDeadEnd([
      { kind: 'issuer_not_found', certs: [a] },
      { kind: 'key_id_mismatch', certs: [a], candidate: b },
    ]);
    expect(best?.kind).toBe('key_id_mismatch');
  });

  describe('work limits (a chain of CAs certifying each other in many copies)', () => {
    const withinLimits = (work: { candidates: number; signatureChecks: number; deadEnds: number }) => {
      expect(work.candidates).toBeLessThanOrEqual(PATH_BUILDING_LIMITS.candidates);
      expect(work.signatureChecks).toBeLessThanOrEqual(PATH_BUILDING_LIMITS.signatureChecks);
      expect(work.deadEnds).toBeLessThanOrEqual(PATH_BUILDING_LIMITS.deadEnds);
    };

    it('stops the search at its limits instead of exploring every ordering of the copies', async () => {
      const { root } = await federation();
      const { leaf, pool: copies } = await pingPongChain(8);
      const evaluated: CompletePath[] = [];
      const result = await buildPaths(leaf.cert, pool([root.cert], copies), {
        at: AT,
        signatures: new SignatureCache(),
        onComplete: async (path) => {
          evaluated.push(path);
          return true;
        },
      });
      expect(result.exhausted).toBe(true);
      expect(result.accepted).toBeNull();
      expect(evaluated).toEqual([]);
      withinLimits(result.work);
      // One dead end kept to explain the failure, however many were met.
      expect(result.deadEnd?.certs[0]).toBe(leaf.cert);
    });

    it('refuses the 17-certificate ping-pong chain as too complex, naming the leaf and saying what to present', async () => {
      const { root } = await federation();
      const { leaf, pool: copies } = await pingPongChain(8);
      const result = await verifyCertificate({
        leaf: leaf.cert,
        intermediates: copies,
        anchors: [root.cert],
        at: AT,
        purpose: 'client',
      });
      expect(result).toMatchObject({ valid: false, code: 'chain_too_complex' });
      if (result.valid) return;
      expect(result.message).toContain('CN=cliente-inventado,C=BR');
      expect(result.message).toContain(result.certificate!.fingerprint256);
      expect(result.message).toContain(
        'Apresente apenas o certificado e as ACs intermediárias reais da sua cadeia.',
      );
      expect(result.chain.map((c) => c.subject)).toEqual(['CN=cliente-inventado,C=BR']);
    });

    it('still accepts a real chain when the same copies come along as unrelated extras', async () => {
      const { root, int, leaf } = await federation();
      const { pool: copies } = await pingPongChain(8);
      const result = await verifyCertificate({
        leaf: leaf.cert,
        intermediates: [...copies, int.cert],
        anchors: [root.cert],
        at: AT,
        purpose: 'client',
      });
      expect(result.valid).toBe(true);
    });

    it('accepts a four-AC chain with a cross-certified AC and re-issued copies well within the limits', async () => {
      const root = await makeCert({ subject: 'CN=Raiz,C=BR', ca: true });
      const foreignRoot = await makeCert({ subject: 'CN=Raiz Estrangeira,C=BR', ca: true });
      const acs: Awaited<ReturnType<typeof makeCert>>[] = [];
      const extras: X509Certificate[] = [];
      let issuer = root;
      for (const n of [1, 2, 3, 4]) {
        const ac = await makeCert({ subject: `CN=AC Nivel ${n},C=BR`, issuer, ca: true });
        // An expired copy with the same key and a cross-certificate from an untrusted root.
        extras.push(
          (
            await makeCert({
              subject: `CN=AC Nivel ${n},C=BR`,
              issuer,
              keys: ac.keys,
              ca: true,
              notBefore: new Date('2015-01-01T00:00:00Z'),
              notAfter: new Date('2020-01-01T00:00:00Z'),
            })
          ).cert,
          (await makeCert({ subject: `CN=AC Nivel ${n},C=BR`, issuer: foreignRoot, keys: ac.keys, ca: true })).cert,
        );
        acs.push(ac);
        issuer = ac;
      }
      const leaf = await makeCert({ subject: 'CN=folha,C=BR', issuer, eku: [CLIENT_AUTH] });
      const signatures = new SignatureCache();
      const built = await buildPaths(
        leaf.cert,
        pool([root.cert], [foreignRoot.cert, ...extras, ...acs.map((a) => a.cert)]),
        { at: AT, signatures, onComplete: acceptFirst },
      );
      expect(built.accepted?.certs).toEqual([leaf.cert, ...acs.map((a) => a.cert).reverse(), root.cert]);
      expect(built.exhausted).toBe(false);
      withinLimits(built.work);
    });
  });
});
