import type { SystemCertificate } from '../domain/registry.ts';
import { fingerprint256, type x509 } from '../pki/x509.ts';
import type { Store } from '../store/index.ts';

/** Binds an issued certificate to a system in the registry (spec §1.4: fingerprint → SPE). */
export async function registerCertificate(store: Store, systemId: string, cert: x509.X509Certificate, now: Date): Promise<SystemCertificate> {
  const record: SystemCertificate = {
    fingerprint256: fingerprint256(cert),
    systemId,
    subject: cert.subject,
    serial: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    pem: cert.toString('pem'),
    status: 'active',
    addedAt: now.toISOString(),
    revokedAt: null,
  };
  await store.registry.addCertificate(record);
  return record;
}
