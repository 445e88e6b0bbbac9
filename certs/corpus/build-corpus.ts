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
# OpenSSL 3 adds an authority key identifier unless told not to.
authorityKeyIdentifier = none

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

type KeySpec =
  'rsa2048' | 'rsa1024' | 'P-256' | 'P-384' | 'P-521' | 'brainpoolP256r1' | 'brainpoolP384r1';

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
    const csr = `keys/${name}.csr`;
    // prettier-ignore
    const algorithm = spec.startsWith('rsa')
      ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(3)}`]
      : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec}`, '-pkeyopt', 'ec_param_enc:named_curve'];
    await this.openssl(['genpkey', ...algorithm, '-out', file]);
    // One request per key; `openssl ca -subj` sets each certificate's subject.
    await this.openssl(['req', '-new', '-key', file, '-subj', '/CN=corpus', '-out', csr]);
    this.csrs.set(file, csr);
    return file;
  }

  async issue(p: IssueParams): Promise<Issued> {
    const csr = this.csrs.get(p.key);
    if (!csr) throw new Error(`chave sem requisição: ${p.key}`);
    const signer = p.issuer
      ? ['-cert', p.issuer.cert, '-keyfile', p.issuer.key]
      : ['-selfsign', '-keyfile', p.key];
    // prettier-ignore
    await this.openssl([
      'ca', '-batch', '-config', 'ca.cnf', ...signer, '-in', csr, '-subj', p.subject, '-preserveDN',
      '-startdate', p.start, '-enddate', p.end, '-extfile', 'extensions.cnf', '-extensions', p.profile,
      '-md', p.md ?? 'sha256', '-notext', '-out', p.file,
    ]);
    const serial = new NodeX509(await readFile(this.path(p.file))).serialNumber;
    return { cert: p.file, key: p.key, serial };
  }

  /** `file.pem` and `file.der`: a CRL from `issuer` listing `revoked`, with explicit dates. */
  async crl(
    file: string,
    issuer: Issued,
    revoked: RevokedEntry[],
    last: string,
    next: string,
  ): Promise<void> {
    const db = join(this.dir, `crldb-${++this.crlCount}`);
    await mkdir(join(db, 'newcerts'), { recursive: true });
    // index.txt lines (ca(1) database): status, expiry, revocation[,reason], serial, file, subject.
    const lines = revoked.map(
      (r) => `R\t491231235959Z\t${r.date},${r.reason}\t${r.cert.serial}\tunknown\t/CN=revogado\n`,
    );
    await writeFile(join(db, 'index.txt'), lines.join(''));
    await writeFile(join(db, 'ca.cnf'), CA_CONFIG(db));
    // prettier-ignore
    await this.openssl([
      'ca', '-gencrl', '-config', join(db, 'ca.cnf'), '-cert', issuer.cert, '-keyfile', issuer.key,
      '-crl_lastupdate', last, '-crl_nextupdate', next, '-crlexts', 'crl_ext', '-md', 'sha256',
      '-out', `${file}.pem`,
    ]);
    await this.openssl(['crl', '-in', `${file}.pem`, '-outform', 'DER', '-out', `${file}.der`]);
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

/**
 * OpenSSL verify error numbers used below (include/openssl/x509_vfy.h). OpenSSL 3.0 reports an
 * invalid CA as 79 (X509_V_ERR_INVALID_CA), no longer 24.
 */
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
  INVALID_CA: 79,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  KEYUSAGE_NO_CERTSIGN: 32,
  UNHANDLED_CRITICAL_EXTENSION: 34,
} as const;

type Window = { start: string; end: string };
const OLD: Window = { start: '150101000000Z', end: '251231235959Z' };

const KEYS = {
  root: 'rsa2048',
  int: 'rsa2048',
  int2: 'rsa2048',
  leaf: 'rsa2048',
  impostor: 'rsa2048',
  otherRoot: 'rsa2048',
  otherInt: 'rsa2048',
  misc: 'rsa2048',
  rsa1024: 'rsa1024',
  p256a: 'P-256',
  p256b: 'P-256',
  p384a: 'P-384',
  p384b: 'P-384',
  p521: 'P-521',
  bp256: 'brainpoolP256r1',
  bp384: 'brainpoolP384r1',
} as const satisfies Record<string, KeySpec>;
type KeyName = keyof typeof KEYS;

/** name (file is `name.pem`), subject, key, issuer (null: self-signed), profile, validity, digest. */
type CertPlan = [string, string, KeyName, string | null, string, Window, IssueParams['md']?];

/**
 * Every certificate of the corpus, issued in this order (an issuer before what it issues). Keys
 * are shared wherever a case allows: a leaf key under several CAs changes nothing a case shows.
 */
// prettier-ignore
const CERTS: CertPlan[] = [
  // The federation's RSA hierarchy: root → intermediate (pathlen 0) → leaves.
  ['root', SUBJ.root, 'root', null, 'root_ca', ROOT],
  ['int', SUBJ.int, 'int', 'root', 'int_ca_pl0', INT],
  ['leaf-client', SUBJ.leaf, 'leaf', 'int', 'leaf_client', LEAF],
  ['leaf-server', SUBJ.server, 'leaf', 'int', 'leaf_server', LEAF],
  ['leaf-expired', SUBJ.leaf, 'leaf', 'int', 'leaf_client', EXPIRED],
  ['leaf-not-yet-valid', SUBJ.leaf, 'leaf', 'int', 'leaf_client', FUTURE],
  ['leaf-no-digital-signature', SUBJ.leaf, 'leaf', 'int', 'leaf_client_no_ds', LEAF],
  ['leaf-signing', SUBJ.leaf, 'leaf', 'int', 'leaf_signing', LEAF],
  ['leaf-signing-key-encipherment', SUBJ.leaf, 'leaf', 'int', 'leaf_signing_bad', LEAF],
  ['leaf-sha1', SUBJ.leaf, 'leaf', 'int', 'leaf_client', LEAF, 'sha1'],
  ['leaf-md5', SUBJ.leaf, 'leaf', 'int', 'leaf_client', LEAF, 'md5'],
  ['leaf-rsa1024', SUBJ.leaf, 'rsa1024', 'int', 'leaf_client', LEAF],
  ['leaf-p256', SUBJ.leaf, 'p256a', 'int', 'leaf_client_ec', LEAF],
  ['leaf-brainpool256', SUBJ.leaf, 'bp256', 'int', 'leaf_client_ec', LEAF],
  ['leaf-unknown-critical', SUBJ.leaf, 'leaf', 'int', 'leaf_critical', LEAF],
  ['leaf-revoked', SUBJ.leaf, 'leaf', 'int', 'leaf_client', LEAF],
  ['leaf-self-signed', leafSubject('sistema.exemplo.gov.br'), 'leaf', null, 'self_client', LEAF],
  // An unrelated hierarchy, and an impostor CA that copies the intermediate's name.
  ['other-root', SUBJ.otherRoot, 'otherRoot', null, 'root_ca', ROOT],
  ['other-int', SUBJ.otherInt, 'otherInt', 'other-root', 'int_ca', INT],
  ['other-leaf', leafSubject('sei.outro.gov.br'), 'leaf', 'other-int', 'leaf_client', LEAF],
  ['impostor-int', SUBJ.int, 'impostor', 'other-root', 'int_ca', INT],
  ['leaf-by-impostor', SUBJ.leaf, 'leaf', 'impostor-int', 'leaf_client', LEAF],
  ['leaf-by-impostor-no-aki', SUBJ.leaf, 'leaf', 'impostor-int', 'leaf_client_no_aki', LEAF],
  // A second genuine intermediate with the same name (CA re-key): several candidate issuers.
  ['int-rekeyed', SUBJ.int, 'int2', 'root', 'int_ca_pl0', INT],
  ['leaf-by-rekeyed-int', SUBJ.leaf, 'leaf', 'int-rekeyed', 'leaf_client', LEAF],
  // Intermediates under the root with one defect each, each issuing a good leaf.
  ['int-expired', ca('Elo Teste AC Expirada'), 'misc', 'root', 'int_ca', OLD],
  ['leaf-under-expired', SUBJ.leaf, 'leaf', 'int-expired', 'leaf_client', LEAF],
  ['int-not-yet-valid', ca('Elo Teste AC Futura'), 'misc', 'root', 'int_ca', FUTURE],
  ['leaf-under-not-yet-valid', SUBJ.leaf, 'leaf', 'int-not-yet-valid', 'leaf_client', LEAF],
  ['int-ca-false', ca('Elo Teste AC Sem CA'), 'misc', 'root', 'int_not_ca', INT],
  ['leaf-under-ca-false', SUBJ.leaf, 'leaf', 'int-ca-false', 'leaf_client', LEAF],
  ['int-no-basic-constraints', ca('Elo Teste AC Sem BasicConstraints'), 'misc', 'root', 'int_no_bc', INT],
  ['leaf-under-no-basic-constraints', SUBJ.leaf, 'leaf', 'int-no-basic-constraints', 'leaf_client', LEAF],
  ['int-no-key-cert-sign', ca('Elo Teste AC Sem KeyCertSign'), 'misc', 'root', 'int_no_certsign', INT],
  ['leaf-under-no-key-cert-sign', SUBJ.leaf, 'leaf', 'int-no-key-cert-sign', 'leaf_client', LEAF],
  ['int-eku-server', ca('Elo Teste AC Servidores'), 'misc', 'root', 'int_eku_server', INT],
  ['leaf-under-eku-server', SUBJ.leaf, 'leaf', 'int-eku-server', 'leaf_client', LEAF],
  ['int-sha1', ca('Elo Teste AC SHA1'), 'misc', 'root', 'int_ca', INT, 'sha1'],
  ['leaf-under-sha1', SUBJ.leaf, 'leaf', 'int-sha1', 'leaf_client', LEAF],
  ['int-revoked', ca('Elo Teste AC Revogada'), 'misc', 'root', 'int_ca', INT],
  ['leaf-under-revoked', SUBJ.leaf, 'leaf', 'int-revoked', 'leaf_client', LEAF],
  ['int-rsa1024', ca('Elo Teste AC 1024'), 'rsa1024', 'root', 'int_ca', INT],
  ['leaf-under-rsa1024', SUBJ.leaf, 'leaf', 'int-rsa1024', 'leaf_client', LEAF],
  // pathlen: the pathlen:0 intermediate issuing another CA; and a pathlen:1 chain that is fine.
  ['int-sub-of-pathlen0', ca('Elo Teste AC Subordinada'), 'misc', 'int', 'int_ca', INT],
  ['leaf-under-sub-of-pathlen0', SUBJ.leaf, 'leaf', 'int-sub-of-pathlen0', 'leaf_client', LEAF],
  ['int-pathlen1', ca('Elo Teste AC Nivel 1'), 'int2', 'root', 'int_ca_pl1', INT],
  ['int-pathlen1-sub', ca('Elo Teste AC Nivel 2'), 'misc', 'int-pathlen1', 'int_ca_pl0', INT],
  ['leaf-under-pathlen1', SUBJ.leaf, 'leaf', 'int-pathlen1-sub', 'leaf_client', LEAF],
  // Roots with a defect of their own.
  ['root-expired', ca('Elo Teste Raiz Expirada'), 'int2', null, 'root_ca', OLD],
  ['leaf-under-expired-root', SUBJ.leaf, 'leaf', 'root-expired', 'leaf_client', LEAF],
  ['root-sha1', ca('Elo Teste Raiz SHA1'), 'misc', null, 'root_ca', ROOT, 'sha1'],
  ['int-under-sha1-root', ca('Elo Teste AC sob Raiz SHA1'), 'int2', 'root-sha1', 'int_ca', INT],
  ['leaf-under-sha1-root', SUBJ.leaf, 'leaf', 'int-under-sha1-root', 'leaf_client', LEAF],
  // EC: a P-384 intermediate under the RSA root; an EC hierarchy throughout; brainpool.
  ['int-p384', ca('Elo Teste AC EC P-384'), 'p384a', 'root', 'int_ca', INT],
  ['leaf-p256-under-p384', SUBJ.leaf, 'p256a', 'int-p384', 'leaf_client_ec', LEAF, 'sha384'],
  ['leaf-p256-under-p384-revoked', SUBJ.leaf, 'p256b', 'int-p384', 'leaf_client_ec', LEAF, 'sha384'],
  ['root-ec', ca('Elo Teste Raiz EC'), 'p384b', null, 'root_ca', ROOT, 'sha384'],
  ['int-ec', ca('Elo Teste AC EC P-256'), 'p256b', 'root-ec', 'int_ca', INT, 'sha384'],
  ['leaf-ec-chain', SUBJ.leaf, 'p256a', 'int-ec', 'leaf_client_ec', LEAF],
  ['leaf-p521-ec-chain', SUBJ.leaf, 'p521', 'int-ec', 'leaf_client_ec', LEAF],
  ['int-brainpool384', ca('Elo Teste AC Brainpool'), 'bp384', 'root', 'int_ca', INT],
  ['leaf-brainpool256-under-brainpool384', SUBJ.leaf, 'bp256', 'int-brainpool384', 'leaf_client_ec', LEAF, 'sha384'],
];

/** name (files `name.pem` and `name.der`), issuer, revoked [certificate, date, reason], window. */
type CrlPlan = [
  string,
  string,
  [string, string, RevokedEntry['reason']][],
  { last: string; next: string },
];

// prettier-ignore
const CRLS: CrlPlan[] = [
  ['crl-int-fresh', 'int', [], CRL_FRESH],
  ['crl-int-revokes-leaf', 'int', [['leaf-revoked', '251001000000Z', 'keyCompromise']], CRL_FRESH],
  ['crl-int-stale', 'int', [], CRL_STALE],
  ['crl-int-not-yet-valid', 'int', [], CRL_FUTURE],
  ['crl-int-forged-by-impostor', 'impostor-int', [], CRL_FRESH],
  ['crl-root-fresh', 'root', [], CRL_FRESH],
  ['crl-root-revokes-int', 'root', [['int-revoked', '251115000000Z', 'CACompromise']], CRL_FRESH],
  ['crl-revoked-int-fresh', 'int-revoked', [], CRL_FRESH],
  ['crl-other-int', 'other-int', [], CRL_FRESH],
  ['crl-int-p384-fresh', 'int-p384', [], CRL_FRESH],
  ['crl-int-p384-revokes-leaf', 'int-p384', [['leaf-p256-under-p384-revoked', '251201000000Z', 'superseded']], CRL_FRESH],
  ['crl-int-brainpool-fresh', 'int-brainpool384', [], CRL_FRESH],
];

/** What a case expects: OpenSSL's verdict, Elo's verdict, and the policy rule when they differ. */
type Verdicts = [openssl: CorpusCase['expect']['openssl'], elo: string, stricter?: string];

/** Certificates and CRLs by plan name (`.pem` added), other files by file name. */
interface CaseInputs {
  leaf: string;
  /** Default: the federation intermediate. */
  chain?: string[];
  /** Default: the federation root. */
  trust?: string[];
  crls?: string[];
  /** Give Elo the DER encoding of the CRLs (OpenSSL always reads the PEM). */
  der?: boolean;
  purpose?: CorpusPurpose;
  requireCrl?: boolean;
  flags?: string[];
}

const E = OPENSSL_ERR;
const OK: Verdicts = ['valid', 'valid'];

// prettier-ignore
const CASES: [name: string, description: string, verdicts: Verdicts, inputs: CaseInputs][] = [
  // Good chains and purposes.
  ['good-rsa-chain', 'raiz → intermediária → folha clientAuth, RSA 2048', OK, { leaf: 'leaf-client' }],
  ['good-with-unordered-unrelated-intermediates', 'intermediárias fora de ordem e com extras sem relação', OK,
    { leaf: 'leaf-client', chain: ['other-int', 'int-expired', 'int-ca-false', 'int', 'int-p384', 'other-root'] }],
  ['good-leaf-file-is-full-chain', 'arquivo da folha traz folha + intermediária', OK,
    { leaf: 'leaf-fullchain.pem', chain: [], flags: ['-untrusted', 'leaf-fullchain.pem'] }],
  ['good-same-name-candidates-told-apart-by-key-id', 'duas intermediárias com o mesmo nome; a certa vem depois', OK,
    { leaf: 'leaf-by-rekeyed-int', chain: ['int', 'int-rekeyed'] }],
  ['good-pathlen1-with-two-intermediates', 'pathlen:1 acima de uma intermediária pathlen:0', OK,
    { leaf: 'leaf-under-pathlen1', chain: ['int-pathlen1-sub', 'int-pathlen1'] }],
  ['good-server-for-server', 'folha serverAuth verificada para servidor', OK, { leaf: 'leaf-server', purpose: 'server' }],
  ['good-signing-non-repudiation', 'folha só com nonRepudiation para assinatura', OK, { leaf: 'leaf-signing', purpose: 'signing' }],
  ['good-server-leaf-for-any', 'folha serverAuth para qualquer finalidade', OK, { leaf: 'leaf-server', purpose: 'any' }],
  ['good-anchor-is-intermediate', 'âncora configurada é a intermediária (cadeia parcial)', OK,
    { leaf: 'leaf-client', chain: [], trust: ['int'], flags: ['-partial_chain'] }],
  ['good-leaf-is-anchor', 'certificado autoassinado registrado como âncora', OK,
    { leaf: 'leaf-self-signed', chain: [], trust: ['leaf-self-signed'] }],
  ['good-sha1-self-signature-of-anchor', 'raiz autoassinada com SHA-1: a autoassinatura da âncora não conta', OK,
    { leaf: 'leaf-under-sha1-root', chain: ['int-under-sha1-root'], trust: ['root-sha1'] }],

  // Purpose refusals.
  ['server-leaf-for-client', 'folha só serverAuth usada como cliente', [E.INVALID_PURPOSE, 'ext_key_usage_missing'], { leaf: 'leaf-server' }],
  ['client-leaf-for-server', 'folha só clientAuth usada como servidor', [E.INVALID_PURPOSE, 'ext_key_usage_missing'],
    { leaf: 'leaf-client', purpose: 'server' }],
  ['client-leaf-without-digital-signature', 'keyUsage só keyEncipherment para cliente', [E.INVALID_PURPOSE, 'key_usage_missing'],
    { leaf: 'leaf-no-digital-signature' }],
  ['signing-leaf-with-key-encipherment-only', 'keyUsage sem digitalSignature/nonRepudiation para assinatura',
    [E.INVALID_PURPOSE, 'key_usage_missing'], { leaf: 'leaf-signing-key-encipherment', purpose: 'signing' }],
  ['intermediate-eku-excludes-client', 'intermediária com extKeyUsage só serverAuth emitindo folha cliente',
    [E.INVALID_PURPOSE, 'ext_key_usage_missing'], { leaf: 'leaf-under-eku-server', chain: ['int-eku-server'] }],

  // Dates.
  ['expired-leaf', 'folha vencida em 2025-12-31', [E.CERT_HAS_EXPIRED, 'cert_expired'], { leaf: 'leaf-expired' }],
  ['not-yet-valid-leaf', 'folha válida só a partir de 2026-06-01', [E.CERT_NOT_YET_VALID, 'cert_not_yet_valid'],
    { leaf: 'leaf-not-yet-valid' }],
  ['expired-intermediate', 'intermediária vencida', [E.CERT_HAS_EXPIRED, 'cert_expired'],
    { leaf: 'leaf-under-expired', chain: ['int-expired'] }],
  ['not-yet-valid-intermediate', 'intermediária ainda não válida', [E.CERT_NOT_YET_VALID, 'cert_not_yet_valid'],
    { leaf: 'leaf-under-not-yet-valid', chain: ['int-not-yet-valid'] }],
  ['expired-root-anchor', 'âncora raiz vencida', [E.CERT_HAS_EXPIRED, 'cert_expired'],
    { leaf: 'leaf-under-expired-root', chain: [], trust: ['root-expired'] }],
  ['expired-leaf-under-intermediate-anchor', 'folha vencida, âncora intermediária', [E.CERT_HAS_EXPIRED, 'cert_expired'],
    { leaf: 'leaf-expired', chain: [], trust: ['int'], flags: ['-partial_chain'] }],

  // Chain building failures.
  ['missing-intermediate', 'intermediária não fornecida', [E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 'chain_untrusted'],
    { leaf: 'leaf-client', chain: [] }],
  ['wrong-issuer-same-name-key-id', 'folha emitida por outra AC com o mesmo nome (AKI diferente)',
    [E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 'issuer_mismatch'], { leaf: 'leaf-by-impostor' }],
  ['wrong-issuer-same-name-no-key-id', 'folha sem AKI emitida por outra AC com o mesmo nome',
    [E.CERT_SIGNATURE_FAILURE, 'signature_invalid'], { leaf: 'leaf-by-impostor-no-aki' }],
  ['wrong-issuer-different-name', 'folha de outra hierarquia, emissor ausente',
    [E.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 'chain_untrusted'], { leaf: 'other-leaf' }],
  ['chain-to-untrusted-root', 'cadeia completa até uma raiz não configurada',
    [E.SELF_SIGNED_CERT_IN_CHAIN, 'chain_untrusted'], { leaf: 'other-leaf', chain: ['other-int', 'other-root'] }],
  ['self-signed-leaf', 'folha autoassinada fora das âncoras', [E.DEPTH_ZERO_SELF_SIGNED_CERT, 'self_signed_leaf'],
    { leaf: 'leaf-self-signed', chain: [] }],
  ['tampered-leaf-signature', 'um bit da assinatura da folha trocado', [E.CERT_SIGNATURE_FAILURE, 'signature_invalid'],
    { leaf: 'leaf-tampered.pem' }],
  ['not-a-certificate', 'arquivo PEM sem certificado válido', ['load', 'malformed_certificate'], { leaf: 'not-a-certificate.pem' }],

  // CA constraints.
  ['intermediate-ca-false', 'intermediária com CA:FALSE', [E.INVALID_CA, 'not_a_ca'],
    { leaf: 'leaf-under-ca-false', chain: ['int-ca-false'] }],
  ['intermediate-without-basic-constraints', 'intermediária sem basicConstraints', [E.INVALID_CA, 'not_a_ca'],
    { leaf: 'leaf-under-no-basic-constraints', chain: ['int-no-basic-constraints'] }],
  ['intermediate-without-key-cert-sign', 'intermediária com keyUsage sem keyCertSign', [E.INVALID_CA, 'key_usage_missing'],
    { leaf: 'leaf-under-no-key-cert-sign', chain: ['int-no-key-cert-sign'] }],
  ['path-length-exceeded', 'intermediária pathlen:0 emitindo outra AC', [E.PATH_LENGTH_EXCEEDED, 'path_len_exceeded'],
    { leaf: 'leaf-under-sub-of-pathlen0', chain: ['int-sub-of-pathlen0', 'int'] }],
  ['unknown-critical-extension', 'folha com extensão crítica desconhecida',
    [E.UNHANDLED_CRITICAL_EXTENSION, 'unknown_critical_extension'], { leaf: 'leaf-unknown-critical' }],

  // Elliptic curves.
  ['ec-p256-leaf-under-rsa', 'folha P-256 sob intermediária RSA', OK, { leaf: 'leaf-p256' }],
  ['ec-p384-intermediate-under-rsa-root', 'intermediária P-384 (raiz RSA), folha P-256, ecdsa-with-SHA384', OK,
    { leaf: 'leaf-p256-under-p384', chain: ['int-p384'] }],
  ['ec-chain-throughout', 'raiz P-384 → intermediária P-256 → folha P-256', OK,
    { leaf: 'leaf-ec-chain', chain: ['int-ec'], trust: ['root-ec'] }],
  ['ec-p521-leaf', 'folha P-521 na cadeia EC', OK, { leaf: 'leaf-p521-ec-chain', chain: ['int-ec'], trust: ['root-ec'] }],
  ['ec-p384-intermediate-crl-fresh', 'LCR da intermediária P-384 (raiz RSA), atual', OK,
    { leaf: 'leaf-p256-under-p384', chain: ['int-p384'], crls: ['crl-int-p384-fresh'], flags: ['-crl_check'] }],
  ['ec-leaf-revoked-by-p384-crl', 'folha P-256 revogada na LCR ECDSA (DER para o Elo)', [E.CERT_REVOKED, 'cert_revoked'],
    { leaf: 'leaf-p256-under-p384-revoked', chain: ['int-p384'], crls: ['crl-int-p384-revokes-leaf'], der: true, flags: ['-crl_check'] }],
  ['brainpool-p256-leaf-under-rsa', 'folha brainpoolP256r1 sob intermediária RSA', OK, { leaf: 'leaf-brainpool256' }],
  ['brainpool-chain', 'intermediária brainpoolP384r1 assinando folha brainpoolP256r1', OK,
    { leaf: 'leaf-brainpool256-under-brainpool384', chain: ['int-brainpool384'] }],
  ['brainpool-intermediate-crl-fresh', 'LCR assinada com brainpoolP384r1', OK,
    { leaf: 'leaf-brainpool256-under-brainpool384', chain: ['int-brainpool384'], crls: ['crl-int-brainpool-fresh'], flags: ['-crl_check'] }],

  // Algorithm policy: Elo is stricter than OpenSSL's defaults.
  ['sha1-signed-leaf', 'folha assinada com sha1WithRSAEncryption', ['valid', 'weak_signature', 'SHA-1 recusado (allowSha1: false)'],
    { leaf: 'leaf-sha1' }],
  ['md5-signed-leaf', 'folha assinada com md5WithRSAEncryption', ['valid', 'weak_signature', 'MD5 sempre recusado'], { leaf: 'leaf-md5' }],
  ['sha1-signed-intermediate', 'intermediária assinada com SHA-1 pela raiz', ['valid', 'weak_signature', 'SHA-1 recusado em todo o caminho'],
    { leaf: 'leaf-under-sha1', chain: ['int-sha1'] }],
  ['rsa1024-leaf', 'folha com chave RSA de 1024 bits', ['valid', 'weak_key', 'RSA < 2048 bits recusado'], { leaf: 'leaf-rsa1024' }],
  ['rsa1024-intermediate', 'intermediária com chave RSA de 1024 bits', ['valid', 'weak_key', 'RSA < 2048 bits recusado em todo o caminho'],
    { leaf: 'leaf-under-rsa1024', chain: ['int-rsa1024'] }],

  // Revocation.
  ['crl-fresh-leaf-not-revoked', 'LCR atual da intermediária, folha não listada', OK,
    { leaf: 'leaf-client', crls: ['crl-int-fresh'], flags: ['-crl_check'] }],
  ['crl-all-required-and-present', '--require-crl com LCRs da intermediária e da raiz', OK,
    { leaf: 'leaf-client', crls: ['crl-int-fresh', 'crl-root-fresh'], requireCrl: true, flags: ['-crl_check_all'] }],
  ['revoked-leaf', 'folha revogada (keyCompromise)', [E.CERT_REVOKED, 'cert_revoked'],
    { leaf: 'leaf-revoked', crls: ['crl-int-revokes-leaf'], flags: ['-crl_check'] }],
  ['revoked-leaf-der-crl', 'folha revogada, LCR em DER', [E.CERT_REVOKED, 'cert_revoked'],
    { leaf: 'leaf-revoked', crls: ['crl-int-revokes-leaf'], der: true, flags: ['-crl_check'] }],
  ['revoked-intermediate', 'intermediária revogada pela raiz (crl_check_all)', [E.CERT_REVOKED, 'cert_revoked'],
    { leaf: 'leaf-under-revoked', chain: ['int-revoked'], crls: ['crl-root-revokes-int', 'crl-revoked-int-fresh'], flags: ['-crl_check_all'] }],
  ['stale-crl', 'LCR vencida em 2025-12-01', [E.CRL_HAS_EXPIRED, 'crl_stale'],
    { leaf: 'leaf-client', crls: ['crl-int-stale'], flags: ['-crl_check'] }],
  ['crl-not-yet-valid', 'LCR emitida depois do instante da verificação', [E.CRL_NOT_YET_VALID, 'crl_not_yet_valid'],
    { leaf: 'leaf-client', crls: ['crl-int-not-yet-valid'], flags: ['-crl_check'] }],
  ['crl-signed-by-wrong-ca', 'LCR com o nome da intermediária assinada por outra AC', [E.UNABLE_TO_GET_CRL, 'crl_invalid'],
    { leaf: 'leaf-client', crls: ['crl-int-forged-by-impostor'], flags: ['-crl_check'] }],
  ['crl-required-but-root-crl-missing', '--require-crl sem a LCR da raiz', [E.UNABLE_TO_GET_CRL, 'crl_missing'],
    { leaf: 'leaf-client', crls: ['crl-int-fresh'], requireCrl: true, flags: ['-crl_check_all'] }],
  ['crl-required-none-given', '--require-crl sem nenhuma LCR', [E.UNABLE_TO_GET_CRL, 'crl_missing'],
    { leaf: 'leaf-client', requireCrl: true, flags: ['-crl_check'] }],
  ['unrelated-crl-is-ignored', 'LCR de outra AC: sem LCR do emissor, a política if-crl-present não verifica', OK,
    { leaf: 'leaf-client', crls: ['crl-other-int'] }],
];

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
  const keyNames = Object.keys(KEYS) as KeyName[];
  const keyFiles = await Promise.all(keyNames.map((n) => pki.key(n, KEYS[n])));
  const keyFile = (n: KeyName): string => keyFiles[keyNames.indexOf(n)]!;

  const issued = new Map<string, Issued>();
  const get = (name: string): Issued => {
    const found = issued.get(name);
    if (!found) throw new Error(`certificado do corpus ainda não emitido: ${name}`);
    return found;
  };
  for (const [name, subject, key, issuer, profile, window, md] of CERTS) {
    const params: IssueParams = {
      file: `${name}.pem`,
      subject,
      key: keyFile(key),
      profile,
      ...window,
    };
    if (issuer) params.issuer = get(issuer);
    if (md) params.md = md;
    issued.set(name, await pki.issue(params));
  }

  // A tampered copy (one bit of the signature flipped), a file that is no certificate, and a
  // leaf file holding the full chain.
  const tampered = Buffer.from(new NodeX509(await readFile(pki.path('leaf-client.pem'))).raw);
  tampered[tampered.length - 1]! ^= 0x01;
  await writeFile(pki.path('leaf-tampered.pem'), pemOf('CERTIFICATE', tampered));
  const garbage = Buffer.from('isto não é um certificado X.509');
  await writeFile(pki.path('not-a-certificate.pem'), pemOf('CERTIFICATE', garbage));
  await pki.bundle('leaf-fullchain.pem', ['leaf-client.pem', 'int.pem']);

  for (const [name, issuer, revoked, window] of CRLS) {
    const entries = revoked.map(([cert, date, reason]) => ({ cert: get(cert), date, reason }));
    await pki.crl(name, get(issuer), entries, window.last, window.next);
  }

  const file = (name: string): string => (name.includes('.') ? name : `${name}.pem`);
  const cases = CASES.map(([name, description, [openssl, elo, stricter], c]): CorpusCase => ({
    name,
    description,
    leaf: file(c.leaf),
    chain: (c.chain ?? ['int']).map(file),
    trust: (c.trust ?? ['root']).map(file),
    crls: (c.crls ?? []).map((crl) => `${crl}.${c.der ? 'der' : 'pem'}`),
    purpose: c.purpose ?? 'client',
    requireCrl: c.requireCrl ?? false,
    at: CORPUS_AT,
    openssl: { crls: (c.crls ?? []).map((crl) => `${crl}.pem`), flags: c.flags ?? [] },
    expect: { openssl, elo, ...(stricter ? { stricter } : {}) },
  }));

  await writeFile(
    pki.path('corpus.json'),
    `${JSON.stringify({ at: CORPUS_AT, cases }, null, 2)}\n`,
  );
  return { dir: pki.dir, at: CORPUS_AT, cases };
}

function pemOf(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(
    process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'corpus'),
  );
  const started = Date.now();
  const corpus = await buildCorpus(target);
  process.stdout.write(
    `${corpus.cases.length} casos em ${corpus.dir} (${Date.now() - started} ms)\n`,
  );
}
