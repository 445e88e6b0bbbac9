import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRootCa, generateRsaKeys, importRsaPrivateKeyPem, issueLeaf, privateKeyToPem, type Issuer } from '../pki/ca/issue.ts';
import { x509 } from '../pki/x509.ts';
import type { Store } from '../store/index.ts';
import { withPostgresLock } from '../store/postgres/leader.ts';
import type { EloConfig } from './config.ts';
import { dataPaths } from './data-dir.ts';

export interface BootstrapReport {
  /** Files created by this run (nothing on a second run). */
  created: string[];
  /** The administrator token, only when it was created now (it is stored hashed). */
  adminToken: string | null;
}

async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function loadIssuer(config: EloConfig): Promise<Issuer> {
  const p = dataPaths(config.dataDir);
  return {
    certificate: new x509.X509Certificate(await readFile(p.caCert, 'utf8')),
    privateKey: await importRsaPrivateKeyPem(await readFile(p.caKey, 'utf8')),
  };
}

/**
 * Prepares the data folder on first use: folders, the development PKI (a federation CA, the
 * hub's TLS and signing certificates) and an administrator token. Idempotent: what exists is
 * kept, so `elo start` and `elo seed demo` may run in any order. Several nodes sharing one data
 * folder and one PostgreSQL database take turns (an advisory lock): nodes started together on an
 * empty folder would otherwise each make a CA of their own and overwrite each other's files.
 */
export async function bootstrapDataDir(config: EloConfig, store: Store, now: Date): Promise<BootstrapReport> {
  return config.databaseUrl ? withPostgresLock(config.databaseUrl, 'bootstrap', () => prepare(config, store, now)) : prepare(config, store, now);
}

async function prepare(config: EloConfig, store: Store, now: Date): Promise<BootstrapReport> {
  const p = dataPaths(config.dataDir);
  const created: string[] = [];
  await mkdir(p.pki, { recursive: true, mode: 0o700 });
  await mkdir(p.blobs, { recursive: true, mode: 0o700 });
  // Leftovers of uploads cut by a crash are never visible (fs-blob-store); sweep them here.
  await rm(`${p.blobs}/tmp`, { recursive: true, force: true });

  let issuer: Issuer;
  if (!existsSync(p.caCert) || !existsSync(p.caKey)) {
    issuer = await createRootCa({ name: 'CN=Elo AC da Federação (desenvolvimento), O=Elo', at: now });
    await writeSecret(p.caKey, await privateKeyToPem(issuer.privateKey));
    await writeFile(p.caCert, issuer.certificate.toString('pem') + '\n', { mode: 0o600 });
    created.push(p.caCert, p.caKey);
  } else {
    issuer = await loadIssuer(config);
  }

  const leaves: { cert: string; key: string; subject: string; purpose: 'server' | 'signing' }[] = [
    { cert: p.tlsCert, key: p.tlsKey, subject: `CN=${config.hostnames[0] ?? 'localhost'}, O=Elo`, purpose: 'server' },
    { cert: p.signingCert, key: p.signingKey, subject: 'CN=Elo hub (assinatura de recibos), O=Elo', purpose: 'signing' },
  ];
  for (const leaf of leaves) {
    if (existsSync(leaf.cert) && existsSync(leaf.key)) continue;
    const keys = await generateRsaKeys();
    const cert = await issueLeaf({
      issuer,
      subject: leaf.subject,
      publicKey: keys.publicKey,
      purpose: leaf.purpose,
      at: now,
      dnsNames: config.hostnames,
      ipAddresses: ['127.0.0.1', '::1'],
      environment: config.environment,
    });
    await writeSecret(leaf.key, await privateKeyToPem(keys.privateKey));
    // leaf first, then the CA (spec §7.3: cadeiaDoCertificado, leaf first)
    await writeFile(leaf.cert, cert.toString('pem') + '\n' + issuer.certificate.toString('pem') + '\n', { mode: 0o600 });
    created.push(leaf.cert, leaf.key);
  }

  let adminToken: string | null = null;
  if ((await store.tokens.countTokens()) === 0) {
    adminToken = `elo_${randomBytes(32).toString('base64url')}`;
    await store.tokens.addToken(createHash('sha256').update(adminToken).digest('hex'), 'admin', now.toISOString(), 'inicial');
    await writeSecret(p.adminToken, adminToken + '\n');
    created.push(p.adminToken);
  }
  return { created, adminToken };
}
