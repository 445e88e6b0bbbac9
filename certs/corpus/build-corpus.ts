/**
 * Builds the differential test corpus for `elo cert verify` with the `openssl` command line
 * (OpenSSL 3.0+): keys, CAs, leaves and CRLs with explicit dates (`openssl ca -startdate/-enddate`,
 * `-gencrl -crl_lastupdate/-crl_nextupdate`), so every case is judged at CORPUS_AT and nothing
 * depends on the day the tests run. Each case records what OpenSSL and Elo are expected to say.
 *
 *   npx tsx certs/corpus/build-corpus.ts [DIRECTORY]     (default certs/out/corpus, gitignored)
 *
 * Keys are generated once and reused wherever a case allows (RSA 2048 generation dominates the
 * run time).
 */
import { execFile } from 'node:child_process';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The instant every case is judged at (`--at` for Elo, `-attime` for OpenSSL). */
export const CORPUS_AT = '2026-01-15T12:00:00Z';

export type CorpusPurpose = 'client' | 'server' | 'signing' | 'any';

export interface CorpusCase {
  /** kebab-case, names the situation the case shows. */
  name: string;
  description: string;
  /** Paths relative to the corpus directory. */
  leaf: string;
  chain: string[];
  trust: string[];
  /** CRL files given to Elo (PEM or DER). */
  crls: string[];
  purpose: CorpusPurpose;
  requireCrl: boolean;
  at: string;
  openssl: {
    /** CRL files given to OpenSSL (always PEM). */
    crls: string[];
    /** `-crl_check`, `-crl_check_all`, `-partial_chain`, `-x509_strict`… */
    flags: string[];
  };
  expect: {
    /** `valid`, or the OpenSSL verify error number (X509_V_ERR_*); `load` when it cannot read the leaf. */
    openssl: 'valid' | number | 'load';
    /** `valid` or Elo's refusal code. */
    elo: string;
    /** Set when Elo's documented policy refuses what OpenSSL accepts: the policy rule. */
    stricter?: string;
  };
}

export interface Corpus {
  dir: string;
  at: string;
  cases: CorpusCase[];
}

const CA_CONFIG = (dir: string): string => `
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
rand_serial = yes
default_crl_days = 30
[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
[ crl_ext ]
authorityKeyIdentifier = keyid:always
`;

/** Extension profiles (`openssl ca -extfile … -extensions SECTION`). */
const EXTENSIONS = `
[root_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_ca_pl0]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_ca_pl1]
basicConstraints = critical, CA:true, pathlen:1
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_not_ca]
basicConstraints = critical, CA:false
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_no_bc]
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_no_certsign]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int_eku_server]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_client]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_client_ec]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_client_no_aki]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash

[leaf_server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:hub.exemplo.gov.br
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_client_no_ds]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_signing]
basicConstraints = critical, CA:false
keyUsage = critical, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_signing_bad]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_critical]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.99999.1 = critical, ASN1:NULL

[self_client]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
`;

type KeySpec = 'rsa2048' | 'rsa1024' | 'P-256' | 'P-384' | 'P-521' | 'brainpoolP256r1' | 'brainpoolP384r1';

/** An issued certificate: its PEM file and the key that signs with it. */
interface Issued {
  cert: string;
  key: string;
  serial: string;
}

interface IssueParams {
  file: string;
  subject: string;
  key: string;
  /** Issuing CA, or undefined for a self-signed certificate. */
  issuer?: Issued;
  profile: string;
  start: string;
  end: string;
  md?: 'sha256' | 'sha384' | 'sha1' | 'md5';
}

interface RevokedEntry {
  cert: Issued;
  /** YYMMDDHHMMSSZ */
  date: string;
  reason: 'keyCompromise' | 'CACompromise' | 'superseded' | 'cessationOfOperation';
}

const toTime = (text: string): string => text; // YYMMDDHHMMSSZ, kept as OpenSSL takes it

class CorpusPki {
  private readonly csrs = new Map<string, string>();
  private crlCount = 0;

  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  async openssl(args: string[]): Promise<string> {
    try {
      const { stdout } = await run('openssl', args, { cwd: this.dir, maxBuffer: 1 << 22 });
      return stdout;
    } catch (e) {
      const failure = e as { stderr?: string; message: string };
      throw new Error(`openssl ${args.join(' ')} falhou: ${failure.stderr ?? failure.message}`);
    }
  }

  async init(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(join(this.dir, 'keys'), { recursive: true });
    await mkdir(join(this.dir, 'db', 'newcerts'), { recursive: true });
    await writeFile(join(this.dir, 'db', 'index.txt'), '');
    await writeFile(join(this.dir, 'ca.cnf'), CA_CONFIG(join(this.dir, 'db')));
    await writeFile(join(this.dir, 'extensions.cnf'), EXTENSIONS);
  }

  async key(name: string, spec: KeySpec): Promise<string> {
    const file = `keys/${name}.key`;
    const args =
      spec === 'rsa2048' || spec === 'rsa1024'
        ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec === 'rsa2048' ? 2048 : 1024}`]
        : ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec}`, '-pkeyopt', 'ec_param_enc:named_curve'];
    await this.openssl([...args, '-out', file]);
    // One request per key; `openssl ca -subj` sets each certificate's subject.
    await this.openssl(['req', '-new', '-key', file, '-subj', '/CN=corpus', '-out', `keys/${name}.csr`]);
    this.csrs.set(file, `keys/${name}.csr`);
    return file;
  }

  async issue(p: IssueParams): Promise<Issued> {
    const csr = this.csrs.get(p.key);
    if (!csr) throw new Error(`chave sem requisição: ${p.key}`);
    const signer = p.issuer ? ['-cert', p.issuer.cert, '-keyfile', p.issuer.key] : ['-selfsign', '-keyfile', p.key];
    await this.openssl([
      'ca', '-batch', '-config', 'ca.cnf', ...signer, '-in', csr, '-subj', p.subject, '-preserveDN',
      '-startdate', toTime(p.start), '-enddate', toTime(p.end), '-extfile', 'extensions.cnf',
      '-extensions', p.profile, '-md', p.md ?? 'sha256', '-notext', '-out', p.file,
    ]);
    const serial = new NodeX509(await readFile(this.path(p.file))).serialNumber;
    return { cert: p.file, key: p.key, serial };
  }

  /** A CRL from `issuer` listing `revoked`, with explicit lastUpdate/nextUpdate; PEM and DER. */
  async crl(file: string, issuer: Issued, revoked: RevokedEntry[], last: string, next: string): Promise<{ pem: string; der: string }> {
    const db = join(this.dir, `crldb-${++this.crlCount}`);
    await mkdir(join(db, 'newcerts'), { recursive: true });
    // index.txt lines (ca(1) database): status, expiry, revocation[,reason], serial, file, subject.
    const lines = revoked.map((r) => `R\t491231235959Z\t${r.date},${r.reason}\t${r.cert.serial}\tunknown\t/CN=revogado\n`);
    await writeFile(join(db, 'index.txt'), lines.join(''));
    await writeFile(join(db, 'ca.cnf'), CA_CONFIG(db));
    await this.openssl([
      'ca', '-gencrl', '-config', join(db, 'ca.cnf'), '-cert', issuer.cert, '-keyfile', issuer.key,
      '-crl_lastupdate', last, '-crl_nextupdate', next, '-crlexts', 'crl_ext', '-md', 'sha256', '-out', `${file}.pem`,
    ]);
    await this.openssl(['crl', '-in', `${file}.pem`, '-outform', 'DER', '-out', `${file}.der`]);
    return { pem: `${file}.pem`, der: `${file}.der` };
  }

  async bundle(file: string, parts: string[]): Promise<string> {
    const texts = await Promise.all(parts.map((p) => readFile(this.path(p), 'utf8')));
    await writeFile(this.path(file), texts.join(''));
    return file;
  }
}

// Subjects (RFC 4514 order reversed for `-subj`).
const SUBJ = {
  root: '/C=BR/O=Federacao Elo Teste/CN=Elo Teste Raiz',
  int: '/C=BR/O=Federacao Elo Teste/CN=Elo Teste AC Intermediaria',
  leaf: '/C=BR/O=Prefeitura de Exemplo/OU=TI/CN=sei.exemplo.gov.br',
  server: '/C=BR/O=Federacao Elo Teste/CN=hub.exemplo.gov.br',
  otherRoot: '/C=BR/O=Outra Organizacao/CN=Outra Raiz',
  otherInt: '/C=BR/O=Outra Organizacao/CN=Outra AC',
};
const ca = (cn: string): string => `/C=BR/O=Federacao Elo Teste/CN=${cn}`;
const leafSubject = (cn: string): string => `/C=BR/O=Prefeitura de Exemplo/OU=TI/CN=${cn}`;

// Validity windows (YYMMDDHHMMSSZ), judged at CORPUS_AT = 2026-01-15T12:00:00Z.
const ROOT = { start: '200101000000Z', end: '451231235959Z' };
const INT = { start: '210101000000Z', end: '401231235959Z' };
const LEAF = { start: '250601000000Z', end: '400601000000Z' };
const EXPIRED = { start: '240101000000Z', end: '251231235959Z' };
const FUTURE = { start: '260601000000Z', end: '300101000000Z' };
const CRL_FRESH = { last: '260101000000Z', next: '260201000000Z' };
const CRL_STALE = { last: '251101000000Z', next: '251201000000Z' };
const CRL_FUTURE = { last: '260301000000Z', next: '260401000000Z' };

/** OpenSSL verify error numbers used below (include/openssl/x509_vfy.h). */
export const OPENSSL_ERR = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  CERT_SIGNATURE_FAILURE: 7,
  CRL_SIGNATURE_FAILURE: 8,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  CRL_NOT_YET_VALID: 11,
  CRL_HAS_EXPIRED: 12,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  KEYUSAGE_NO_CERTSIGN: 32,
  UNHANDLED_CRITICAL_EXTENSION: 34,
} as const;

/**
 * Generates every file of the corpus under `dir` (wiped first) and returns the cases.
 *
 * @example
 * const corpus = await buildCorpus(await mkdtemp(join(tmpdir(), 'elo-corpus-')));
 */
export async function buildCorpus(dir: string): Promise<Corpus> {
  const pki = new CorpusPki(resolve(dir));
  await pki.init();

  // Keys first, in parallel: the only expensive step.
  const keySpecs: [string, KeySpec][] = [
    ['root', 'rsa2048'], ['int', 'rsa2048'], ['int2', 'rsa2048'], ['leaf', 'rsa2048'],
    ['impostor', 'rsa2048'], ['other-root', 'rsa2048'], ['other-int', 'rsa2048'], ['ca-misc', 'rsa2048'],
    ['rsa1024', 'rsa1024'], ['p256-a', 'P-256'], ['p256-b', 'P-256'], ['p384-a', 'P-384'], ['p384-b', 'P-384'],
    ['p521', 'P-521'], ['bp256', 'brainpoolP256r1'], ['bp384', 'brainpoolP384r1'],
  ];
  const keyFiles = await Promise.all(keySpecs.map(([name, spec]) => pki.key(name, spec)));
  const K = Object.fromEntries(keySpecs.map(([name], i) => [name, keyFiles[i]!])) as Record<string, string>;

  // --- The federation's RSA hierarchy: root → intermediate (pathlen 0) → leaves.
  const root = await pki.issue({ file: 'root.pem', subject: SUBJ.root, key: K.root!, profile: 'root_ca', ...ROOT });
  const int = await pki.issue({ file: 'int.pem', subject: SUBJ.int, key: K.int!, issuer: root, profile: 'int_ca_pl0', ...INT });
  const leafOf = (file: string, profile = 'leaf_client', extra: Partial<IssueParams> = {}) =>
    pki.issue({ file, subject: SUBJ.leaf, key: K.leaf!, issuer: int, profile, ...LEAF, ...extra });

  const leaf = await leafOf('leaf-client.pem');
  const server = await pki.issue({ file: 'leaf-server.pem', subject: SUBJ.server, key: K.leaf!, issuer: int, profile: 'leaf_server', ...LEAF });
  const leafExpired = await leafOf('leaf-expired.pem', 'leaf_client', EXPIRED);
  const leafFuture = await leafOf('leaf-not-yet-valid.pem', 'leaf_client', FUTURE);
  const leafNoDs = await leafOf('leaf-no-digital-signature.pem', 'leaf_client_no_ds');
  const leafSigning = await leafOf('leaf-signing.pem', 'leaf_signing');
  const leafSigningBad = await leafOf('leaf-signing-key-encipherment.pem', 'leaf_signing_bad');
  const leafSha1 = await leafOf('leaf-sha1.pem', 'leaf_client', { md: 'sha1' });
  const leafMd5 = await leafOf('leaf-md5.pem', 'leaf_client', { md: 'md5' });
  const leaf1024 = await leafOf('leaf-rsa1024.pem', 'leaf_client', { key: K.rsa1024! });
  const leafP256 = await leafOf('leaf-p256.pem', 'leaf_client_ec', { key: K['p256-a']! });
  const leafBp256 = await leafOf('leaf-brainpool256.pem', 'leaf_client_ec', { key: K.bp256! });
  const leafCritical = await leafOf('leaf-unknown-critical.pem', 'leaf_critical');
  const leafRevoked = await leafOf('leaf-revoked.pem');

  // A tampered copy: one bit of the signature flipped.
  const leafDer = new NodeX509(await readFile(pki.path(leaf.cert))).raw;
  const tampered = Buffer.from(leafDer);
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x01;
  await writeFile(pki.path('leaf-tampered.pem'), pemOf('CERTIFICATE', tampered));
  await writeFile(pki.path('not-a-certificate.pem'), pemOf('CERTIFICATE', Buffer.from('isto não é um certificado X.509')));
  const fullchain = await pki.bundle('leaf-fullchain.pem', [leaf.cert, int.cert]);

  // --- Unrelated hierarchy, and an impostor CA that copies the intermediate's name.
  const otherRoot = await pki.issue({ file: 'other-root.pem', subject: SUBJ.otherRoot, key: K['other-root']!, profile: 'root_ca', ...ROOT });
  const otherInt = await pki.issue({ file: 'other-int.pem', subject: SUBJ.otherInt, key: K['other-int']!, issuer: otherRoot, profile: 'int_ca', ...INT });
  const otherLeaf = await pki.issue({ file: 'other-leaf.pem', subject: leafSubject('sei.outro.gov.br'), key: K.leaf!, issuer: otherInt, profile: 'leaf_client', ...LEAF });
  const impostor = await pki.issue({ file: 'impostor-int.pem', subject: SUBJ.int, key: K.impostor!, issuer: otherRoot, profile: 'int_ca', ...INT });
  const leafByImpostor = await pki.issue({ file: 'leaf-by-impostor.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: impostor, profile: 'leaf_client', ...LEAF });
  const leafByImpostorNoAki = await pki.issue({ file: 'leaf-by-impostor-no-aki.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: impostor, profile: 'leaf_client_no_aki', ...LEAF });

  // A second genuine intermediate with the same name (CA re-key): several candidate issuers.
  const int2 = await pki.issue({ file: 'int-rekeyed.pem', subject: SUBJ.int, key: K.int2!, issuer: root, profile: 'int_ca_pl0', ...INT });
  const leafByInt2 = await pki.issue({ file: 'leaf-by-rekeyed-int.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: int2, profile: 'leaf_client', ...LEAF });

  // --- Intermediates with one defect each, each issuing a good leaf.
  const caMisc = K['ca-misc']!;
  const defective = async (name: string, cn: string, profile: string, extra: Partial<IssueParams> = {}) => {
    const ic = await pki.issue({ file: `int-${name}.pem`, subject: ca(cn), key: caMisc, issuer: root, profile, ...INT, ...extra });
    const lc = await pki.issue({ file: `leaf-under-${name}.pem`, subject: SUBJ.leaf, key: K.leaf!, issuer: ic, profile: 'leaf_client', ...LEAF });
    return { ic, lc };
  };
  const expiredInt = await defective('expired', 'Elo Teste AC Expirada', 'int_ca', { start: '150101000000Z', end: '251231235959Z' });
  const futureInt = await defective('not-yet-valid', 'Elo Teste AC Futura', 'int_ca', FUTURE);
  const notCa = await defective('ca-false', 'Elo Teste AC Sem CA', 'int_not_ca');
  const noBc = await defective('no-basic-constraints', 'Elo Teste AC Sem BasicConstraints', 'int_no_bc');
  const noCertSign = await defective('no-key-cert-sign', 'Elo Teste AC Sem KeyCertSign', 'int_no_certsign');
  const ekuServer = await defective('eku-server', 'Elo Teste AC Servidores', 'int_eku_server');
  const sha1Int = await defective('sha1', 'Elo Teste AC SHA1', 'int_ca', { md: 'sha1' });
  const revokedInt = await defective('revoked', 'Elo Teste AC Revogada', 'int_ca');
  const int1024 = await pki.issue({ file: 'int-rsa1024.pem', subject: ca('Elo Teste AC 1024'), key: K.rsa1024!, issuer: root, profile: 'int_ca', ...INT });
  const leafUnder1024 = await pki.issue({ file: 'leaf-under-rsa1024.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: int1024, profile: 'leaf_client', ...LEAF });

  // pathlen: the pathlen:0 intermediate issuing another CA; and a pathlen:1 chain that is fine.
  const subCa = await pki.issue({ file: 'int-sub-of-pathlen0.pem', subject: ca('Elo Teste AC Subordinada'), key: caMisc, issuer: int, profile: 'int_ca', ...INT });
  const leafUnderSub = await pki.issue({ file: 'leaf-under-sub-of-pathlen0.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: subCa, profile: 'leaf_client', ...LEAF });
  const pl1 = await pki.issue({ file: 'int-pathlen1.pem', subject: ca('Elo Teste AC Nivel 1'), key: K.int2!, issuer: root, profile: 'int_ca_pl1', ...INT });
  const pl1Sub = await pki.issue({ file: 'int-pathlen1-sub.pem', subject: ca('Elo Teste AC Nivel 2'), key: caMisc, issuer: pl1, profile: 'int_ca_pl0', ...INT });
  const leafUnderPl1 = await pki.issue({ file: 'leaf-under-pathlen1.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: pl1Sub, profile: 'leaf_client', ...LEAF });

  // Roots with a defect of their own.
  const expiredRoot = await pki.issue({ file: 'root-expired.pem', subject: ca('Elo Teste Raiz Expirada'), key: K.int2!, profile: 'root_ca', start: '150101000000Z', end: '251231235959Z' });
  const leafUnderExpiredRoot = await pki.issue({ file: 'leaf-under-expired-root.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: expiredRoot, profile: 'leaf_client', ...LEAF });
  const sha1Root = await pki.issue({ file: 'root-sha1.pem', subject: ca('Elo Teste Raiz SHA1'), key: caMisc, profile: 'root_ca', ...ROOT, md: 'sha1' });
  const intUnderSha1Root = await pki.issue({ file: 'int-under-sha1-root.pem', subject: ca('Elo Teste AC sob Raiz SHA1'), key: K.int2!, issuer: sha1Root, profile: 'int_ca', ...INT });
  const leafUnderSha1Root = await pki.issue({ file: 'leaf-under-sha1-root.pem', subject: SUBJ.leaf, key: K.leaf!, issuer: intUnderSha1Root, profile: 'leaf_client', ...LEAF });

  // --- EC: a P-384 intermediate under the RSA root; an EC hierarchy throughout; brainpool.
  const intP384 = await pki.issue({ file: 'int-p384.pem', subject: ca('Elo Teste AC EC P-384'), key: K['p384-a']!, issuer: root, profile: 'int_ca', ...INT });
  const leafUnderP384 = await pki.issue({ file: 'leaf-p256-under-p384.pem', subject: SUBJ.leaf, key: K['p256-a']!, issuer: intP384, profile: 'leaf_client_ec', ...LEAF, md: 'sha384' });
  const leafRevokedUnderP384 = await pki.issue({ file: 'leaf-p256-under-p384-revoked.pem', subject: SUBJ.leaf, key: K['p256-b']!, issuer: intP384, profile: 'leaf_client_ec', ...LEAF, md: 'sha384' });
  const ecRoot = await pki.issue({ file: 'root-ec.pem', subject: ca('Elo Teste Raiz EC'), key: K['p384-b']!, profile: 'root_ca', ...ROOT, md: 'sha384' });
  const ecInt = await pki.issue({ file: 'int-ec.pem', subject: ca('Elo Teste AC EC P-256'), key: K['p256-b']!, issuer: ecRoot, profile: 'int_ca', ...INT, md: 'sha384' });
  const ecLeaf = await pki.issue({ file: 'leaf-ec-chain.pem', subject: SUBJ.leaf, key: K['p256-a']!, issuer: ecInt, profile: 'leaf_client_ec', ...LEAF });
  const ecLeafP521 = await pki.issue({ file: 'leaf-p521-ec-chain.pem', subject: SUBJ.leaf, key: K.p521!, issuer: ecInt, profile: 'leaf_client_ec', ...LEAF });
  const bpInt = await pki.issue({ file: 'int-brainpool384.pem', subject: ca('Elo Teste AC Brainpool'), key: K.bp384!, issuer: root, profile: 'int_ca', ...INT });
  const bpLeaf = await pki.issue({ file: 'leaf-brainpool256-under-brainpool384.pem', subject: SUBJ.leaf, key: K.bp256!, issuer: bpInt, profile: 'leaf_client_ec', ...LEAF, md: 'sha384' });

  // --- Self-signed leaves.
  const selfSigned = await pki.issue({ file: 'leaf-self-signed.pem', subject: leafSubject('sistema.exemplo.gov.br'), key: K.leaf!, profile: 'self_client', ...LEAF });

  // --- CRLs.
  const crlIntFresh = await pki.crl('crl-int-fresh', int, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlIntRevoked = await pki.crl('crl-int-revokes-leaf', int, [{ cert: leafRevoked, date: '251001000000Z', reason: 'keyCompromise' }], CRL_FRESH.last, CRL_FRESH.next);
  const crlIntStale = await pki.crl('crl-int-stale', int, [], CRL_STALE.last, CRL_STALE.next);
  const crlIntFuture = await pki.crl('crl-int-not-yet-valid', int, [], CRL_FUTURE.last, CRL_FUTURE.next);
  const crlForged = await pki.crl('crl-int-forged-by-impostor', impostor, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlRootFresh = await pki.crl('crl-root-fresh', root, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlRootRevokesInt = await pki.crl('crl-root-revokes-int', root, [{ cert: revokedInt.ic, date: '251115000000Z', reason: 'CACompromise' }], CRL_FRESH.last, CRL_FRESH.next);
  const crlRevokedIntFresh = await pki.crl('crl-revoked-int-fresh', revokedInt.ic, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlOther = await pki.crl('crl-other-int', otherInt, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlP384Fresh = await pki.crl('crl-int-p384-fresh', intP384, [], CRL_FRESH.last, CRL_FRESH.next);
  const crlP384Revoked = await pki.crl('crl-int-p384-revokes-leaf', intP384, [{ cert: leafRevokedUnderP384, date: '251201000000Z', reason: 'superseded' }], CRL_FRESH.last, CRL_FRESH.next);
  const crlBpFresh = await pki.crl('crl-int-brainpool-fresh', bpInt, [], CRL_FRESH.last, CRL_FRESH.next);

  const E = OPENSSL_ERR;
  const cases: CorpusCase[] = [];
  const add = (
    name: string,
    description: string,
    c: {
      leaf: Issued | string;
      chain?: (Issued | string)[];
      trust?: (Issued | string)[];
      crls?: string[];
      opensslCrls?: string[];
      purpose?: CorpusPurpose;
      requireCrl?: boolean;
      flags?: string[];
      openssl: CorpusCase['expect']['openssl'];
      elo: string;
      stricter?: string;
    },
  ): void => {
    const file = (x: Issued | string): string => (typeof x === 'string' ? x : x.cert);
    cases.push({
      name,
      description,
      leaf: file(c.leaf),
      chain: (c.chain ?? [int]).map(file),
      trust: (c.trust ?? [root]).map(file),
      crls: c.crls ?? [],
      purpose: c.purpose ?? 'client',
      requireCrl: c.requireCrl ?? false,
      at: CORPUS_AT,
      openssl: { crls: c.opensslCrls ?? c.crls ?? [], flags: c.flags ?? [] },
      expect: { openssl: c.openssl, elo: c.elo, ...(c.stricter ? { stricter: c.stricter } : {}) },
    });
  };

  // Good chains and purposes.
  add('good-rsa-chain', 'raiz → intermediária → folha clientAuth, RSA 2048', { leaf, openssl: 'valid', elo: 'valid' });
  add('good-with-unordered-unrelated-intermediates', 'intermediárias fora de ordem e com extras sem relação',
    { leaf, chain: [otherInt, expiredInt.ic, notCa.ic, int, intP384, otherRoot], openssl: 'valid', elo: 'valid' });
  add('good-leaf-file-is-full-chain', 'arquivo da folha traz folha + intermediária',
    { leaf: fullchain, chain: [], flags: ['-untrusted', fullchain], openssl: 'valid', elo: 'valid' });
  add('good-same-name-candidates-told-apart-by-key-id', 'duas intermediárias com o mesmo nome; a certa vem depois',
    { leaf: leafByInt2, chain: [int, int2], openssl: 'valid', elo: 'valid' });
  add('good-pathlen1-with-two-intermediates', 'pathlen:1 acima de uma intermediária pathlen:0',
    { leaf: leafUnderPl1, chain: [pl1Sub, pl1], openssl: 'valid', elo: 'valid' });
  add('good-server-for-server', 'folha serverAuth verificada para servidor', { leaf: server, purpose: 'server', openssl: 'valid', elo: 'valid' });
  add('good-signing-non-repudiation', 'folha só com nonRepudiation para assinatura', { leaf: leafSigning, purpose: 'signing', openssl: 'valid', elo: 'valid' });
  add('good-server-leaf-for-any', 'folha serverAuth para qualquer finalidade', { leaf: server, purpose: 'any', openssl: 'valid', elo: 'valid' });
  add('good-anchor-is-intermediate', 'âncora configurada é a intermediária (cadeia parcial)',
    { leaf, chain: [], trust: [int], flags: ['-partial_chain'], openssl: 'valid', elo: 'valid' });
  add('good-leaf-is-anchor', 'certificado autoassinado registrado como âncora', { leaf: selfSigned, chain: [], trust: [selfSigned], openssl: 'valid', elo: 'valid' });
  add('good-sha1-self-signature-of-anchor', 'raiz autoassinada com SHA-1: a autoassinatura da âncora não conta',
    { leaf: leafUnderSha1Root, chain: [intUnderSha1Root], trust: [sha1Root], openssl: 'valid', elo: 'valid' });

  // Purpose refusals.
  add('server-leaf-for-client', 'folha só serverAuth usada como cliente', { leaf: server, openssl: E.INVALID_PURPOSE, elo: 'ext_key_usage_missing' });
  add('client-leaf-for-server', 'folha só clientAuth usada como servidor', { leaf, purpose: 'server', openssl: E.INVALID_PURPOSE, elo: 'ext_key_usage_missing' });
  add('client-leaf-without-digital-signature', 'keyUsage só keyEncipherment para cliente', { leaf: leafNoDs, openssl: E.INVALID_PURPOSE, elo: 'key_usage_missing' });
  add('signing-leaf-with-key-encipherment-only', 'keyUsage sem digitalSignature/nonRepudiation para assinatura',
    { leaf: leafSigningBad, purpose: 'signing', openssl: E.INVALID_PURPOSE, elo: 'key_usage_missing' });
  add('intermediate-eku-excludes-client', 'intermediária com extKeyUsage só serverAuth emitindo folha cliente',
    { leaf: ekuServer.lc, chain: [ekuServer.ic], openssl: E.INVALID_PURPOSE, elo: 'ext_key_usage_missing' });

  // Dates.
  add('expired-leaf', 'folha vencida em 2025-12-31', { leaf: leafExpired, openssl: E.CERT_HAS_EXPIRED, elo: 'cert_expired' });
  add('not-yet-valid-leaf', 'folha válida só a partir de 2026-06-01', { leaf: leafFuture, openssl: E.CERT_NOT_YET_VALID, elo: 'cert_not_yet_valid' });
  add('expired-intermediate', 'intermediária vencida', { leaf: expiredInt.lc, chain: [expiredInt.ic], openssl: E.CERT_HAS_EXPIRED, elo: 'cert_expired' });
  add('not-yet-valid-intermediate', 'intermediária ainda não válida', { leaf: futureInt.lc, chain: [futureInt.ic], openssl: E.CERT_NOT_YET_VALID, elo: 'cert_not_yet_valid' });
  add('expired-root-anchor', 'âncora raiz vencida', { leaf: leafUnderExpiredRoot, chain: [], trust: [expiredRoot], openssl: E.CERT_HAS_EXPIRED, elo: 'cert_expired' });
  add('expired-leaf-under-intermediate-anchor', 'folha vencida, âncora intermediária',
    { leaf: leafExpired, chain: [], trust: [int], flags: ['-partial_chain'], openssl: E.CERT_HAS_EXPIRED, elo: 'cert_expired' });

  // Chain building failures.
  add('missing-intermediate', 'intermediária não fornecida', { leaf, chain: [], openssl: E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, elo: 'chain_untrusted' });
  add('wrong-issuer-same-name-key-id', 'folha emitida por outra AC com o mesmo nome (AKI diferente)',
    { leaf: leafByImpostor, openssl: E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, elo: 'issuer_mismatch' });
  add('wrong-issuer-same-name-no-key-id', 'folha sem AKI emitida por outra AC com o mesmo nome',
    { leaf: leafByImpostorNoAki, openssl: E.CERT_SIGNATURE_FAILURE, elo: 'signature_invalid' });
  add('wrong-issuer-different-name', 'folha de outra hierarquia, emissor ausente',
    { leaf: otherLeaf, openssl: E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, elo: 'chain_untrusted' });
  add('chain-to-untrusted-root', 'cadeia completa até uma raiz não configurada',
    { leaf: otherLeaf, chain: [otherInt, otherRoot], openssl: E.SELF_SIGNED_CERT_IN_CHAIN, elo: 'chain_untrusted' });
  add('self-signed-leaf', 'folha autoassinada fora das âncoras', { leaf: selfSigned, chain: [], openssl: E.DEPTH_ZERO_SELF_SIGNED_CERT, elo: 'self_signed_leaf' });
  add('tampered-leaf-signature', 'um bit da assinatura da folha trocado', { leaf: 'leaf-tampered.pem', openssl: E.CERT_SIGNATURE_FAILURE, elo: 'signature_invalid' });
  add('not-a-certificate', 'arquivo PEM sem certificado válido', { leaf: 'not-a-certificate.pem', openssl: 'load', elo: 'malformed_certificate' });

  // CA constraints.
  add('intermediate-ca-false', 'intermediária com CA:FALSE', { leaf: notCa.lc, chain: [notCa.ic], openssl: E.INVALID_CA, elo: 'not_a_ca' });
  add('intermediate-without-basic-constraints', 'intermediária sem basicConstraints', { leaf: noBc.lc, chain: [noBc.ic], openssl: E.INVALID_CA, elo: 'not_a_ca' });
  add('intermediate-without-key-cert-sign', 'intermediária com keyUsage sem keyCertSign',
    { leaf: noCertSign.lc, chain: [noCertSign.ic], openssl: E.INVALID_CA, elo: 'key_usage_missing' });
  add('path-length-exceeded', 'intermediária pathlen:0 emitindo outra AC', { leaf: leafUnderSub, chain: [subCa, int], openssl: E.PATH_LENGTH_EXCEEDED, elo: 'path_len_exceeded' });
  add('unknown-critical-extension', 'folha com extensão crítica desconhecida', { leaf: leafCritical, openssl: E.UNHANDLED_CRITICAL_EXTENSION, elo: 'unknown_critical_extension' });

  // Elliptic curves.
  add('ec-p256-leaf-under-rsa', 'folha P-256 sob intermediária RSA', { leaf: leafP256, openssl: 'valid', elo: 'valid' });
  add('ec-p384-intermediate-under-rsa-root', 'intermediária P-384 (raiz RSA), folha P-256, ecdsa-with-SHA384',
    { leaf: leafUnderP384, chain: [intP384], openssl: 'valid', elo: 'valid' });
  add('ec-chain-throughout', 'raiz P-384 → intermediária P-256 → folha P-256', { leaf: ecLeaf, chain: [ecInt], trust: [ecRoot], openssl: 'valid', elo: 'valid' });
  add('ec-p521-leaf', 'folha P-521 na cadeia EC', { leaf: ecLeafP521, chain: [ecInt], trust: [ecRoot], openssl: 'valid', elo: 'valid' });
  add('ec-p384-intermediate-crl-fresh', 'LCR da intermediária P-384 (raiz RSA), atual',
    { leaf: leafUnderP384, chain: [intP384], crls: [crlP384Fresh.pem], flags: ['-crl_check'], openssl: 'valid', elo: 'valid' });
  add('ec-leaf-revoked-by-p384-crl', 'folha P-256 revogada na LCR ECDSA',
    { leaf: leafRevokedUnderP384, chain: [intP384], crls: [crlP384Revoked.der], opensslCrls: [crlP384Revoked.pem], flags: ['-crl_check'], openssl: E.CERT_REVOKED, elo: 'cert_revoked' });
  add('brainpool-p256-leaf-under-rsa', 'folha brainpoolP256r1 sob intermediária RSA', { leaf: leafBp256, openssl: 'valid', elo: 'valid' });
  add('brainpool-chain', 'intermediária brainpoolP384r1 assinando folha brainpoolP256r1',
    { leaf: bpLeaf, chain: [bpInt], openssl: 'valid', elo: 'valid' });
  add('brainpool-intermediate-crl-fresh', 'LCR assinada com brainpoolP384r1',
    { leaf: bpLeaf, chain: [bpInt], crls: [crlBpFresh.pem], flags: ['-crl_check'], openssl: 'valid', elo: 'valid' });

  // Algorithm policy: Elo is stricter than OpenSSL's defaults.
  add('sha1-signed-leaf', 'folha assinada com sha1WithRSAEncryption', { leaf: leafSha1, openssl: 'valid', elo: 'weak_signature', stricter: 'SHA-1 recusado (allowSha1: false)' });
  add('md5-signed-leaf', 'folha assinada com md5WithRSAEncryption', { leaf: leafMd5, openssl: 'valid', elo: 'weak_signature', stricter: 'MD5 sempre recusado' });
  add('sha1-signed-intermediate', 'intermediária assinada com SHA-1 pela raiz', { leaf: sha1Int.lc, chain: [sha1Int.ic], openssl: 'valid', elo: 'weak_signature', stricter: 'SHA-1 recusado em todo o caminho' });
  add('rsa1024-leaf', 'folha com chave RSA de 1024 bits', { leaf: leaf1024, openssl: 'valid', elo: 'weak_key', stricter: 'RSA < 2048 bits recusado' });
  add('rsa1024-intermediate', 'intermediária com chave RSA de 1024 bits', { leaf: leafUnder1024, chain: [int1024], openssl: 'valid', elo: 'weak_key', stricter: 'RSA < 2048 bits recusado em todo o caminho' });

  // Revocation.
  add('crl-fresh-leaf-not-revoked', 'LCR atual da intermediária, folha não listada', { leaf, crls: [crlIntFresh.pem], flags: ['-crl_check'], openssl: 'valid', elo: 'valid' });
  add('crl-all-required-and-present', '--require-crl com LCRs da intermediária e da raiz',
    { leaf, crls: [crlIntFresh.pem, crlRootFresh.pem], requireCrl: true, flags: ['-crl_check_all'], openssl: 'valid', elo: 'valid' });
  add('revoked-leaf', 'folha revogada (keyCompromise)', { leaf: leafRevoked, crls: [crlIntRevoked.pem], flags: ['-crl_check'], openssl: E.CERT_REVOKED, elo: 'cert_revoked' });
  add('revoked-leaf-der-crl', 'folha revogada, LCR em DER', { leaf: leafRevoked, crls: [crlIntRevoked.der], opensslCrls: [crlIntRevoked.pem], flags: ['-crl_check'], openssl: E.CERT_REVOKED, elo: 'cert_revoked' });
  add('revoked-intermediate', 'intermediária revogada pela raiz (crl_check_all)',
    { leaf: revokedInt.lc, chain: [revokedInt.ic], crls: [crlRootRevokesInt.pem, crlRevokedIntFresh.pem], flags: ['-crl_check_all'], openssl: E.CERT_REVOKED, elo: 'cert_revoked' });
  add('stale-crl', 'LCR vencida em 2025-12-01', { leaf, crls: [crlIntStale.pem], flags: ['-crl_check'], openssl: E.CRL_HAS_EXPIRED, elo: 'crl_stale' });
  add('crl-not-yet-valid', 'LCR emitida depois do instante da verificação', { leaf, crls: [crlIntFuture.pem], flags: ['-crl_check'], openssl: E.CRL_NOT_YET_VALID, elo: 'crl_not_yet_valid' });
  add('crl-signed-by-wrong-ca', 'LCR com o nome da intermediária assinada por outra AC',
    { leaf, crls: [crlForged.pem], flags: ['-crl_check'], openssl: E.UNABLE_TO_GET_CRL, elo: 'crl_invalid' });
  add('crl-required-but-root-crl-missing', '--require-crl sem a LCR da raiz',
    { leaf, crls: [crlIntFresh.pem], requireCrl: true, flags: ['-crl_check_all'], openssl: E.UNABLE_TO_GET_CRL, elo: 'crl_missing' });
  add('crl-required-none-given', '--require-crl sem nenhuma LCR', { leaf, requireCrl: true, flags: ['-crl_check'], openssl: E.UNABLE_TO_GET_CRL, elo: 'crl_missing' });
  add('unrelated-crl-is-ignored', 'LCR de outra AC: sem LCR do emissor, política if-crl-present não verifica',
    { leaf, crls: [crlOther.pem], openssl: 'valid', elo: 'valid' });

  await writeFile(pki.path('corpus.json'), `${JSON.stringify({ at: CORPUS_AT, cases }, null, 2)}\n`);
  return { dir: pki.dir, at: CORPUS_AT, cases };
}

function pemOf(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'corpus'));
  const started = Date.now();
  const corpus = await buildCorpus(target);
  process.stdout.write(`${corpus.cases.length} casos em ${corpus.dir} (${Date.now() - started} ms)\n`);
}
