import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { generateRsaKeys, issueLeaf, privateKeyToPem } from '../pki/ca/issue.ts';
import { fingerprint256, x509 } from '../pki/x509.ts';
import { bootstrapDataDir, loadIssuer, type BootstrapReport } from './bootstrap.ts';
import type { EloConfig } from './config.ts';
import { openConfiguredStore } from './data-dir-access.ts';
import type { Store } from '../store/index.ts';
import { dataPaths } from './data-dir.ts';
import { registerCertificate } from './register-certificate.ts';
import { federationDir, loadFederationSeed } from './federation-files.ts';

export interface SeededSystem {
  id: string;
  nome: string;
  estruturas: { repositorio: number; numero: string; subarvore: boolean }[];
  certificado: string;
  chave: string;
  ac: string;
  fingerprint256: string;
  certificadoNovo: boolean;
}

export interface SeedReport {
  bootstrap: BootstrapReport;
  dataDir: string;
  changed: number;
  participantes: number;
  repositorios: number;
  estruturas: number;
  sistemas: SeededSystem[];
}

/**
 * `elo seed demo`: loads the demo federation and gives each system a client certificate from the
 * federation CA. Running it again changes nothing: registry rows are upserted only when they
 * differ, and a system that already holds a registered certificate keeps it.
 */
export async function seedDemo(
  config: EloConfig,
  now: Date,
  file: string = `${federationDir}demo/federation.json`,
  opts: { store?: Store } = {},
): Promise<SeedReport> {
  const seed = loadFederationSeed(file);
  const paths = dataPaths(config.dataDir);
  // another store than the data folder's (a Worker's D1, in tests), left open for its owner
  const store = opts.store ?? (await openConfiguredStore(config));
  try {
    const bootstrap = await bootstrapDataDir(config, store, now);
    const summary = await store.registry.applySeed(seed, now.toISOString());
    const issuer = await loadIssuer(config);
    const participantName = new Map(seed.participantes.map((p) => [p.id, p.nome]));
    const systems: SeededSystem[] = [];
    for (const s of seed.sistemas) {
      const files = paths.system(s.id);
      let fresh = false;
      let cert: x509.X509Certificate | null = null;
      if (existsSync(files.cert) && existsSync(files.key)) {
        const existing = new x509.X509Certificate(await readFile(files.cert, 'utf8'));
        if (await store.registry.getCertificate(fingerprint256(existing))) cert = existing;
      }
      if (!cert) {
        const keys = await generateRsaKeys();
        const org = (participantName.get(s.participante) ?? s.participante).replace(/[,+="<>#;\\]/g, ' ');
        cert = await issueLeaf({ issuer, subject: `CN=${s.id}, O=${org}`, publicKey: keys.publicKey, purpose: 'client', at: now, environment: config.environment });
        await mkdir(files.dir, { recursive: true, mode: 0o700 });
        await writeFile(files.key, await privateKeyToPem(keys.privateKey), { mode: 0o600 });
        await chmod(files.key, 0o600);
        await writeFile(files.cert, cert.toString('pem') + '\n', { mode: 0o600 });
        await writeFile(files.ca, issuer.certificate.toString('pem') + '\n', { mode: 0o600 });
        await registerCertificate(store, s.id, cert, now);
        fresh = true;
      }
      systems.push({
        id: s.id,
        nome: s.nome,
        estruturas: s.estruturas,
        certificado: files.cert,
        chave: files.key,
        ac: files.ca,
        fingerprint256: fingerprint256(cert),
        certificadoNovo: fresh,
      });
    }
    return {
      bootstrap,
      dataDir: paths.root,
      changed: summary.changed + systems.filter((s) => s.certificadoNovo).length,
      participantes: summary.participantes,
      repositorios: summary.repositorios,
      estruturas: summary.estruturas,
      sistemas: systems,
    };
  } finally {
    if (!opts.store) await store.close();
  }
}
