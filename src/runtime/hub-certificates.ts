import { existsSync, readFileSync } from 'node:fs';
import { readCertificates, verifyCertificate, type CertPurpose } from '../pki/verify/index.ts';
import type { EloConfig } from './config.ts';
import { x509 } from '../pki/x509.ts';
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

/**
 * The names the hub's TLS certificate answers for (its subjectAltName: DNS names and IP
 * addresses), and the names of ELO_HOSTNAMES it does not carry. A hub restarted with other
 * hostnames keeps the certificate issued at the first start, and clients reaching it by a new
 * name would refuse it: `elo start` says so and names the command that fixes it.
 */
export function tlsCertificateNames(config: EloConfig): { names: string[]; missing: string[] } {
  const pem = readFileSync(dataPaths(config.dataDir).tlsCert, 'utf8');
  const san = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
  const names = (san?.names.items ?? []).filter((n) => n.type === 'dns' || n.type === 'ip').map((n) => n.value);
  const carried = new Set(names.map((n) => n.toLowerCase()));
  return { names, missing: config.hostnames.filter((h) => !carried.has(h.toLowerCase())) };
}
