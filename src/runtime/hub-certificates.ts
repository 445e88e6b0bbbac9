import { existsSync, readFileSync } from 'node:fs';
import { readCertificates, verifyCertificate, type CertPurpose } from '../pki/verify/index.ts';
import type { EloConfig } from './config.ts';
import { dataPaths } from './data-dir.ts';

/**
 * The hub checks its own certificates at start with the same validator it applies to clients
 * (issue: Trust §1, "the hub's own uses for its certificates"): an expired TLS certificate would
 * make every SEI fail with an opaque TLS error, so the hub refuses to start and says what to do.
 */
export async function hubCertificateProblems(config: EloConfig, at: Date): Promise<string[]> {
  const p = dataPaths(config.dataDir);
  const read = (f: string) => {
    const r = readCertificates(new Uint8Array(readFileSync(f)));
    return r.ok ? r.value : [];
  };
  const anchors = [p.caCert, ...config.trustAnchorFiles].filter(existsSync).flatMap(read);
  const problems: string[] = [];
  for (const [file, purpose, what] of [
    [p.tlsCert, 'server', 'TLS'],
    [p.signingCert, 'signing', 'de assinatura de recibos'],
  ] as [string, CertPurpose, string][]) {
    const [leaf, ...chain] = read(file);
    if (!leaf) {
      problems.push(`O certificado ${what} do hub (${file}) não pôde ser lido.`);
      continue;
    }
    const v = await verifyCertificate({ leaf, intermediates: chain, anchors, at, purpose });
    if (!v.valid) problems.push(`O certificado ${what} do hub (${file}) não é válido: ${v.message} Rode "npx elo ca rotate-hub" para emitir novos certificados do hub.`);
  }
  return problems;
}
