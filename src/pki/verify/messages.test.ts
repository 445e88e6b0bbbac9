import { describe, expect, it } from 'vitest';
import { CRL_REJECTION, messages, type CertRole } from './messages.ts';
import type { CertSummary } from './types.ts';

const leaf: CertSummary = {
  subject: 'CN=sei.exemplo.gov.br,O=Prefeitura de Exemplo,C=BR',
  issuer: 'CN=AC Exemplo,O=Federacao,C=BR',
  serial: '0A1B2C',
  fingerprint256: '3f'.repeat(32),
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2026-01-01T00:00:00Z',
};
const ca: CertSummary = {
  ...leaf,
  subject: 'CN=AC Exemplo,O=Federacao,C=BR',
  issuer: 'CN=Raiz,C=BR',
  serial: '01',
  fingerprint256: 'ab'.repeat(32),
};
const AT = '2026-01-15T12:00:00Z';

/** Every refusal message, built for the certificate `s`. */
const refusals = (s: CertSummary, role: CertRole): string[] => [
  messages.expired(role, s),
  messages.notYetValid(role, s, AT),
  messages.selfSignedLeaf(s),
  messages.issuerNotFound(role, s),
  messages.untrustedRoot(s, leaf),
  messages.tooLong(s),
  messages.issuerMismatch(role, s, ca),
  messages.signatureInvalid(role, s, ca),
  messages.notACa(role, s, true),
  messages.noCertSign(role, s),
  messages.pathLenExceeded(role, s, 0, 1),
  messages.extKeyUsageMissing(role, s, 'client', '1.3.6.1.5.5.7.3.2'),
  messages.keyUsageMissing(s, 'client', 'digitalSignature'),
  messages.weakKey(role, s, 'RSA de 1024 bits', 'mínimo de 2048 bits para RSA'),
  messages.weakSignature(role, s, 'sha1WithRSAEncryption'),
  messages.unsupportedAlgorithm(role, s, 'assinatura dsa-with-SHA1'),
  messages.unknownCriticalExtension(role, s, '2.5.29.30'),
  messages.revoked(role, s, {
    revokedAt: '2025-10-01T00:00:00Z',
    reason: 'comprometimento da chave',
    crlIssuer: s.issuer,
    crlThisUpdate: '2026-01-01T00:00:00Z',
  }),
  messages.crlStale(s, s.issuer, '2025-11-01T00:00:00Z', '2025-12-01T00:00:00Z', AT),
  messages.crlMissing(s, s.issuer),
  messages.crlInvalid(s, s.issuer, CRL_REJECTION.signature),
  messages.crlNotYetValid(s, s.issuer, '2026-03-01T00:00:00Z', AT),
];

describe('certificate messages', () => {
  it.each(['leaf', 'intermediate', 'anchor'] as const)(
    'name the %s certificate by subject, serial and SHA-256 fingerprint in every refusal',
    (role) => {
      for (const text of refusals(leaf, role)) {
        expect(text).toContain(`"${leaf.subject}"`);
        expect(text).toContain(`(série 0A1B2C, SHA-256 ${'3f'.repeat(32)})`);
      }
    },
  );

  it('always end with something to do, as full sentences', () => {
    for (const text of refusals(leaf, 'leaf')) {
      expect(text).toMatch(/[.]$/);
      expect(text).toMatch(/solicite|forneça|obtenha|use |gere |confira|peça|não use/i);
    }
  });

  it('say when the leaf expired and ask for a new certificate from the federation administration', () => {
    expect(messages.expired('leaf', leaf)).toBe(
      'O certificado "CN=sei.exemplo.gov.br,O=Prefeitura de Exemplo,C=BR" (série 0A1B2C, SHA-256 ' +
        `${'3f'.repeat(32)}) expirou em 2026-01-01T00:00:00Z. Solicite um novo certificado à administração ` +
        'da federação e registre-o no sistema.',
    );
  });

  it('tell the administration to replace an expired trust anchor instead of asking the system for a new certificate', () => {
    const text = messages.expired('anchor', ca);
    expect(text).toMatch(/^O certificado da âncora de confiança "CN=AC Exemplo/);
    expect(text).toContain('A administração da federação deve substituir esta âncora');
  });

  it('name the issuer that must be supplied when an intermediate is missing', () => {
    const text = messages.issuerNotFound('leaf', leaf);
    expect(text).toContain(
      'Não foi possível montar a cadeia do certificado "CN=sei.exemplo.gov.br',
    );
    expect(text).toContain(
      'Forneça o certificado da AC intermediária "CN=AC Exemplo,O=Federacao,C=BR"',
    );
  });

  it('give the revocation date, reason and the CRL that says so', () => {
    const text = messages.revoked('leaf', leaf, {
      revokedAt: '2025-10-01T00:00:00Z',
      reason: 'comprometimento da chave',
      crlIssuer: 'CN=AC Exemplo,O=Federacao,C=BR',
      crlThisUpdate: '2026-01-01T00:00:00Z',
    });
    expect(text).toContain(
      'foi revogado em 2025-10-01T00:00:00Z (motivo: comprometimento da chave)',
    );
    expect(text).toContain(
      'conforme a LCR emitida por "CN=AC Exemplo,O=Federacao,C=BR" em 2026-01-01T00:00:00Z',
    );
  });

  it('spell the purpose and the missing extended key usage in words', () => {
    expect(messages.extKeyUsageMissing('leaf', leaf, 'client', '1.3.6.1.5.5.7.3.2')).toContain(
      'não permite autenticação de cliente TLS: a extensão extKeyUsage não inclui clientAuth (autenticação de cliente TLS)',
    );
  });

  it('name a known but unprocessed critical extension instead of showing only its OID', () => {
    expect(messages.unknownCriticalExtension('intermediate', ca, '2.5.29.30')).toContain(
      'a extensão crítica nameConstraints (2.5.29.30)',
    );
  });
});
