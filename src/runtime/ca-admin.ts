import { createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SystemCertificate } from '../domain/registry.ts';
import { crlToPem, issueCrl } from '../pki/ca/crl.ts';
import { createIntermediateCa, generateRsaKeys, importRsaPrivateKeyPem, issueLeaf, privateKeyToPem, type Issuer } from '../pki/ca/issue.ts';
import { fromPem } from '../pki/encoding.ts';
import { x509 } from '../pki/x509.ts';
import type { Store } from '../store/index.ts';
import { loadIssuer } from './bootstrap.ts';
import { registerCertificate } from './register-certificate.ts';
import type { EloConfig } from './config.ts';
import { dataPaths } from './data-dir.ts';

const DAY = 86_400_000;

async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

export class CaAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaAdminError';
  }
}

/**
 * The federation CA as operators drive it (`elo ca …`; issue: Trust §4): an optional
 * intermediate, system certificates bound to a registered system, revocation, CRLs and the
 * rotation of the hub's own certificates. Keys are files in the data folder.
 */
export function caAdmin(config: EloConfig, store: Store) {
  const p = dataPaths(config.dataDir);

  /** The intermediate CA of the data folder (`elo ca init --intermediaria`), with its key. */
  const loadIntermediate = async (): Promise<Issuer> => ({
    certificate: new x509.X509Certificate(await readFile(p.intermediateCert, 'utf8')),
    privateKey: await importRsaPrivateKeyPem(await readFile(p.intermediateKey, 'utf8')),
  });

  async function issuing(): Promise<{ issuer: Issuer; chainPem: string; crlPath: string }> {
    const root = await loadIssuer(config);
    if (existsSync(p.intermediateCert) && existsSync(p.intermediateKey)) {
      const issuer = await loadIntermediate();
      return { issuer, chainPem: issuer.certificate.toString('pem') + '\n' + root.certificate.toString('pem') + '\n', crlPath: p.intermediateCrl };
    }
    return { issuer: root, chainPem: root.certificate.toString('pem') + '\n', crlPath: p.rootCrl };
  }

  async function publishCrls(now: Date): Promise<string[]> {
    const revoked = (await store.registry.listCertificates()).filter((c) => c.status === 'revoked');
    const written: string[] = [];
    const root = await loadIssuer(config);
    const cas: { issuer: Issuer; path: string }[] = [{ issuer: root, path: p.rootCrl }];
    if (existsSync(p.intermediateCert)) cas.push({ issuer: await loadIntermediate(), path: p.intermediateCrl });
    for (const ca of cas) {
      const entries = revoked
        .filter((c) => new x509.X509Certificate(c.pem).issuer === ca.issuer.certificate.subject)
        .map((c) => ({ serial: c.serial, revokedAt: new Date(c.revokedAt ?? now.toISOString()) }));
      const crl = await issueCrl({ issuer: ca.issuer, entries, at: now, days: 7 });
      // write then rename: the hub re-reads the file and must never see half of it
      await writeFile(`${ca.path}.tmp`, crlToPem(crl), { mode: 0o600 });
      await rename(`${ca.path}.tmp`, ca.path);
      written.push(ca.path);
    }
    return written;
  }

  /** Empty CRLs signed on request, by file, until a day old (servedCrl). */
  const unpublished = new Map<string, { pem: string; at: number }>();

  /**
   * A CA's CRL as `/pki/` serves it: the published file, or, while nothing was ever revoked, an
   * empty CRL signed now (kept a day, valid 7) — so a partner can configure revocation checking
   * from a fresh install on. The empty one is not written to pki/: the hub's own trust reads the
   * files there, and one that nobody refreshes would expire and refuse every client.
   */
  async function servedCrl(path: string, now: Date): Promise<Uint8Array | null> {
    if (existsSync(path)) return new Uint8Array(await readFile(path));
    const intermediate = path === p.intermediateCrl;
    if (intermediate && !existsSync(p.intermediateCert)) return null;
    const kept = unpublished.get(path);
    if (kept && now.getTime() - kept.at < DAY) return new TextEncoder().encode(kept.pem);
    const issuer = intermediate ? await loadIntermediate() : await loadIssuer(config);
    const pem = crlToPem(await issueCrl({ issuer, entries: [], at: now, days: 7 }));
    unpublished.set(path, { pem, at: now.getTime() });
    return new TextEncoder().encode(pem);
  }

  return {
    paths: p,
    issuing,
    publishCrls,
    servedCrl,

    /** Republishes the CRLs when the newest is older than a day (they are valid for 7). */
    async refreshCrlsIfDue(now: Date): Promise<boolean> {
      if (!existsSync(p.rootCrl)) return false; // nothing revoked yet: no CRL, nothing to keep fresh
      const crl = new x509.X509Crl(fromPem(await readFile(p.rootCrl, 'utf8'), 'X509 CRL'));
      if (now.getTime() - crl.thisUpdate.getTime() < DAY) return false;
      await publishCrls(now);
      return true;
    },

    async createIntermediate(now: Date): Promise<string> {
      if (existsSync(p.intermediateCert)) throw new CaAdminError(`A AC intermediária já existe em ${p.intermediateCert}.`);
      const root = await loadIssuer(config);
      const ca = await createIntermediateCa({ issuer: root, name: 'CN=Elo AC Intermediária da Federação, O=Elo', at: now });
      await writeSecret(p.intermediateKey, await privateKeyToPem(ca.privateKey));
      await writeFile(p.intermediateCert, ca.certificate.toString('pem') + '\n', { mode: 0o600 });
      return p.intermediateCert;
    },

    /**
     * The onboarding approval's issuer (services/onboarding.ts): a certificate for a registered
     * system from its CSR, registered, returned as PEM with its chain (no files: the partner
     * fetches it with its invitation).
     */
    async issueFromCsr(systemId: string, csrPem: string, at: Date) {
      const system = await store.registry.getSystem(systemId);
      if (!system) throw new CaAdminError(`Sistema "${systemId}" não está registrado na federação.`);
      const { issuer, chainPem } = await issuing();
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify())) throw new CaAdminError('A assinatura da requisição de certificado (CSR) não confere. Gere a CSR de novo.');
      // the same key already certified for this system (an approval resumed after a failure that
      // followed the issuing): that certificate again, never a second one for one key
      const spki = new Uint8Array(csr.publicKey.rawData);
      for (const c of await store.registry.listCertificates(system.id)) {
        if (c.status !== 'active' || new Date(c.notAfter) <= at) continue;
        const existing = new x509.X509Certificate(c.pem);
        if (equalBytes(new Uint8Array(existing.publicKey.rawData), spki))
          return { certificatePem: existing.toString('pem') + '\n' + chainPem, fingerprint256: c.fingerprint256, serial: existing.serialNumber, notAfter: existing.notAfter.toISOString() };
      }
      const participant = await store.registry.getParticipant(system.participantId);
      const org = (participant?.nome ?? system.participantId).replace(/[,+="<>#;\\]/g, ' ');
      const cert = await issueLeaf({ issuer, subject: `CN=${system.id}, O=${org}`, publicKey: await csr.publicKey.export(), purpose: 'client', at, days: 825, environment: config.environment });
      const fp = (await registerCertificate(store, system.id, cert, at)).fingerprint256;
      return { certificatePem: cert.toString('pem') + '\n' + chainPem, fingerprint256: fp, serial: cert.serialNumber, notAfter: cert.notAfter.toISOString() };
    },

    /**
     * Issues a client certificate for a registered system, from a CSR (the key never leaves
     * the system) or from a key generated here; with `seiPassword`, also writes the single PEM
     * the PEN module reads (`LocalizacaoCertificado`: certificate, chain and the private key
     * encrypted with `SenhaCertificado`).
     */
    async issueSystemCertificate(
      input: { systemId: string; csrPem?: string; outDir: string; days?: number; sei?: { password?: string; writeKey?: boolean; writePassword?: boolean } },
      now: Date,
    ) {
      const system = await store.registry.getSystem(input.systemId);
      if (!system) throw new CaAdminError(`Sistema "${input.systemId}" não está registrado na federação. Registre-o antes de emitir o certificado.`);
      const { issuer, chainPem } = await issuing();
      let publicKey: CryptoKey;
      let privateKeyPem: string | null = null;
      if (input.csrPem) {
        const csr = new x509.Pkcs10CertificateRequest(input.csrPem);
        if (!(await csr.verify())) throw new CaAdminError('A assinatura da requisição de certificado (CSR) não confere. Gere a CSR de novo.');
        publicKey = await csr.publicKey.export();
      } else {
        const keys = await generateRsaKeys();
        publicKey = keys.publicKey;
        privateKeyPem = await privateKeyToPem(keys.privateKey);
      }
      const participant = (await store.registry.listParticipants()).find((x) => x.id === system.participantId);
      const org = (participant?.nome ?? system.participantId).replace(/[,+="<>#;\\]/g, ' ');
      const cert = await issueLeaf({ issuer, subject: `CN=${system.id}, O=${org}`, publicKey, purpose: 'client', at: now, days: input.days ?? 825, environment: config.environment });
      const fp = (await registerCertificate(store, system.id, cert, now)).fingerprint256;
      await mkdir(input.outDir, { recursive: true, mode: 0o700 });
      const stamp = cert.serialNumber.slice(0, 8);
      const files: Record<string, string> = {};
      files.certificado = join(input.outDir, `${system.id}-${stamp}.pem`);
      await writeFile(files.certificado, cert.toString('pem') + '\n' + chainPem, { mode: 0o600 });
      // For an SEI the key travels only encrypted, inside the PEM the PEN module reads: an open
      // copy beside it, or the password in a file, is written only when asked for.
      if (privateKeyPem && (!input.sei || input.sei.writeKey)) {
        files.chave = join(input.outDir, `${system.id}-${stamp}.key.pem`);
        await writeSecret(files.chave, privateKeyPem);
      }
      let password: string | null = null;
      if (input.sei) {
        if (!privateKeyPem) throw new CaAdminError('O arquivo para o SEI precisa da chave privada: não use --csr junto com --sei.');
        password = input.sei.password ?? randomBytes(18).toString('base64url');
        const encrypted = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }) as string;
        files.sei = join(input.outDir, `${system.id}-${stamp}-sei.pem`);
        await writeSecret(files.sei, cert.toString('pem') + '\n' + chainPem + encrypted);
        if (input.sei.writePassword) {
          files.senha = join(input.outDir, `${system.id}-${stamp}-sei.senha`);
          await writeSecret(files.senha, password + '\n');
        }
      }
      return { fingerprint256: fp, serial: cert.serialNumber, notAfter: cert.notAfter.toISOString(), files, password };
    },

    /** Revokes at once (the next request is refused) and publishes fresh CRLs. */
    async revoke(ref: { fingerprint256?: string; serial?: string }, now: Date): Promise<{ certificate: SystemCertificate; crls: string[] }> {
      const all = await store.registry.listCertificates();
      const want = (s?: string) => s?.toLowerCase().replace(/:/g, '');
      const c = all.find((x) => (ref.fingerprint256 && x.fingerprint256 === want(ref.fingerprint256)) || (ref.serial && x.serial.toLowerCase() === want(ref.serial)));
      if (!c) throw new CaAdminError('Nenhum certificado registrado tem essa impressão digital ou esse número de série. Use "elo cert list" para ver os certificados.');
      if (c.status === 'revoked') throw new CaAdminError(`O certificado ${c.serial} do sistema "${c.systemId}" já foi revogado em ${c.revokedAt}.`);
      await store.registry.revokeCertificate(c.fingerprint256, now.toISOString());
      const crls = await publishCrls(now);
      return { certificate: (await store.registry.getCertificate(c.fingerprint256))!, crls };
    },

    /** New TLS and signing certificates for the hub; the old ones are kept in pki/arquivo/. */
    async rotateHub(now: Date): Promise<string[]> {
      await mkdir(p.archive, { recursive: true, mode: 0o700 });
      const stamp = now.toISOString().replace(/[:.]/g, '-');
      for (const f of [p.tlsCert, p.tlsKey, p.signingCert, p.signingKey]) {
        if (existsSync(f)) {
          await copyFile(f, join(p.archive, `${stamp}-${basename(f)}`));
          await chmod(join(p.archive, `${stamp}-${basename(f)}`), 0o600);
        }
      }
      const { issuer, chainPem } = await issuing();
      const written: string[] = [];
      for (const leaf of [
        { cert: p.tlsCert, key: p.tlsKey, subject: `CN=${config.hostnames[0] ?? 'localhost'}, O=Elo`, purpose: 'server' as const },
        { cert: p.signingCert, key: p.signingKey, subject: 'CN=Elo hub (assinatura de recibos), O=Elo', purpose: 'signing' as const },
      ]) {
        const keys = await generateRsaKeys();
        const cert = await issueLeaf({ issuer, subject: leaf.subject, publicKey: keys.publicKey, purpose: leaf.purpose, at: now, dnsNames: config.hostnames, ipAddresses: ['127.0.0.1', '::1'], environment: config.environment });
        await writeSecret(leaf.key, await privateKeyToPem(keys.privateKey));
        await writeFile(leaf.cert, cert.toString('pem') + '\n' + chainPem, { mode: 0o600 });
        written.push(leaf.cert);
      }
      return written;
    },

    /** Every registered certificate with the days left before it expires. */
    async listCertificates(now: Date) {
      return (await store.registry.listCertificates()).map((c) => ({
        ...c,
        diasParaExpirar: Math.floor((new Date(c.notAfter).getTime() - now.getTime()) / DAY),
      }));
    },
  };
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
