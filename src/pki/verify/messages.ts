import type { CertPurpose, CertSummary } from './types.ts';

/**
 * Every sentence a person reads about a certificate decision. Each names the certificate at
 * fault (subject, serial, SHA-256 fingerprint) and says what to do about it.
 */

/** Where a certificate sits in the path; what to do depends on it. */
export type CertRole = 'leaf' | 'intermediate' | 'anchor';

export const PURPOSE_LABEL: Record<CertPurpose, string> = {
  client: 'autenticação de cliente TLS',
  server: 'autenticação de servidor TLS',
  signing: 'assinatura digital',
  any: 'qualquer finalidade',
};

export const EKU_LABEL: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth (autenticação de servidor TLS)',
  '1.3.6.1.5.5.7.3.2': 'clientAuth (autenticação de cliente TLS)',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** RFC 5280 §5.3.1 reason codes. */
export const REVOCATION_REASON: Record<number, string> = {
  0: 'não especificado',
  1: 'comprometimento da chave',
  2: 'comprometimento da AC',
  3: 'mudança de vínculo',
  4: 'certificado substituído',
  5: 'cessação de atividade',
  6: 'certificado suspenso',
  8: 'retirado da LCR',
  9: 'privilégio retirado',
  10: 'comprometimento da autoridade de atributos',
};

/** `"CN=…" (série 0A1B, SHA-256 3f…)`: how a certificate is named in every message. */
export const certRef = (s: CertSummary): string =>
  `"${s.subject}" (série ${s.serial}, SHA-256 ${s.fingerprint256})`;

const the = (role: CertRole, s: CertSummary): string =>
  role === 'leaf'
    ? `O certificado ${certRef(s)}`
    : role === 'intermediate'
      ? `O certificado da AC intermediária ${certRef(s)}`
      : `O certificado da âncora de confiança ${certRef(s)}`;

/** The same, after "de": "do certificado …", "do certificado da AC intermediária …". */
const ofThe = (role: CertRole, s: CertSummary): string =>
  the(role, s).replace(/^O certificado/, 'do certificado');

/** Names for extensions Elo recognises but does not process (shown instead of the bare OID). */
const EXTENSION_NAME: Record<string, string> = {
  '2.5.29.30': 'nameConstraints',
  '2.5.29.33': 'policyMappings',
  '2.5.29.9': 'subjectDirectoryAttributes',
  '2.5.29.46': 'freshestCRL',
};

const ASK_NEW_LEAF =
  'Solicite um novo certificado à administração da federação e registre-o no sistema.';

const renewFor = (role: CertRole): string =>
  role === 'leaf'
    ? ASK_NEW_LEAF
    : role === 'intermediate'
      ? 'Obtenha com a AC emissora a cadeia de certificação atualizada e use-a no lugar desta intermediária.'
      : 'A administração da federação deve substituir esta âncora de confiança pelo certificado vigente da AC.';

export const messages = {
  expired: (role: CertRole, s: CertSummary): string =>
    `${the(role, s)} expirou em ${s.notAfter}. ${renewFor(role)}`,

  notYetValid: (role: CertRole, s: CertSummary, at: string): string =>
    `${the(role, s)} só é válido a partir de ${s.notBefore} (verificação em ${at}). ` +
    'Confira o relógio do sistema e a data de emissão; se a data estiver errada, solicite a reemissão do certificado.',

  selfSignedLeaf: (s: CertSummary): string =>
    `O certificado ${certRef(s)} é autoassinado e não está registrado como âncora de confiança. ` +
    'Use um certificado emitido por uma AC reconhecida pela federação, ou peça à administração da federação que registre este certificado como âncora.',

  issuerNotFound: (role: CertRole, s: CertSummary): string =>
    `Não foi possível montar a cadeia ${ofThe(role, s)} até uma âncora de confiança: ` +
    `o certificado do emissor "${s.issuer}" não foi fornecido. Forneça o certificado da AC intermediária ` +
    `"${s.issuer}" junto com a cadeia, ou peça à administração da federação que registre essa AC como âncora de confiança.`,

  untrustedRoot: (root: CertSummary, leaf: CertSummary): string =>
    `A cadeia do certificado "${leaf.subject}" termina na AC raiz ${certRef(root)}, que não está entre as ` +
    'âncoras de confiança configuradas. Use um certificado emitido por uma AC reconhecida pela federação, ou peça à ' +
    'administração da federação que registre essa AC raiz como âncora de confiança.',

  tooLong: (leaf: CertSummary): string =>
    `A cadeia do certificado ${certRef(leaf)} é longa demais (mais de 10 certificados) para ser validada. ` +
    'Forneça apenas os certificados intermediários necessários.',

  chainTooComplex: (leaf: CertSummary, candidates: number): string =>
    `A montagem da cadeia do certificado ${certRef(leaf)} foi interrompida após examinar ${candidates} ` +
    'candidatos a emissor sem chegar a uma âncora de confiança: os certificados fornecidos formam caminhos ' +
    'demais (por exemplo, ACs que se certificam mutuamente em várias cópias). Apresente apenas o certificado ' +
    'e as ACs intermediárias reais da sua cadeia.',

  chainTooLarge: (
    leaf: CertSummary,
    presented: { certificates: number; bytes: number },
    limits: { certificates: number; bytes: number },
  ): string =>
    `O cliente apresentou ${presented.certificates} certificados (${presented.bytes} bytes) na conexão, ` +
    `a começar pelo certificado ${certRef(leaf)}; o Elo aceita no máximo ${limits.certificates} certificados ` +
    `e ${limits.bytes} bytes por conexão. Configure o cliente para apresentar apenas o certificado do sistema ` +
    'e as ACs intermediárias reais da sua cadeia (em geral de 2 a 4), sem cópias nem certificados alheios.',

  issuerMismatch: (role: CertRole, s: CertSummary, candidate: CertSummary): string =>
    `${the(role, s)} indica como emissor "${s.issuer}", mas não foi emitido pela AC com esse nome disponível ` +
    `${certRef(candidate)}: os identificadores de chave não conferem, ou seja, o certificado foi emitido por outra AC ` +
    'com o mesmo nome. Solicite um certificado emitido pela AC reconhecida pela federação ou forneça a cadeia correta.',

  signatureInvalid: (role: CertRole, s: CertSummary, candidate: CertSummary): string =>
    `A assinatura do certificado ${certRef(s)} não confere com a chave da AC emissora ${certRef(candidate)}. ` +
    'O certificado foi adulterado ou emitido por outra AC com o mesmo nome: não o utilize. ' +
    (role === 'leaf'
      ? ASK_NEW_LEAF
      : 'Obtenha a cadeia de certificação correta junto à AC emissora.'),

  notACa: (role: CertRole, s: CertSummary, hasExtension: boolean): string =>
    `${the(role, s)} aparece como emissor na cadeia, mas não é uma autoridade certificadora ` +
    `(${hasExtension ? 'basicConstraints com CA:FALSE' : 'sem a extensão basicConstraints'}). ` +
    'Certificados emitidos por ele não são aceitos: use a cadeia da AC correta ou solicite um certificado emitido por uma AC da federação.',

  noCertSign: (role: CertRole, s: CertSummary): string =>
    `${the(role, s)} aparece como emissor na cadeia, mas o seu keyUsage não inclui keyCertSign ` +
    '(assinatura de certificados). Use a cadeia da AC correta ou solicite à AC um certificado de AC com keyCertSign.',

  pathLenExceeded: (role: CertRole, s: CertSummary, pathLength: number, below: number): string =>
    `${the(role, s)} limita a ${pathLength} o número de ACs intermediárias abaixo dele (pathLenConstraint), ` +
    `mas a cadeia tem ${below}. Solicite um certificado emitido diretamente por uma AC autorizada a emiti-lo.`,

  extKeyUsageMissing: (
    role: CertRole,
    s: CertSummary,
    purpose: CertPurpose,
    required: string,
  ): string =>
    `${the(role, s)} não permite ${PURPOSE_LABEL[purpose]}: a extensão extKeyUsage não inclui ` +
    `${EKU_LABEL[required] ?? required}. ` +
    (role === 'leaf'
      ? `Solicite à administração da federação um certificado com o uso ${EKU_LABEL[required] ?? required} e registre-o no sistema.`
      : 'Esta AC não está autorizada a emitir certificados para esse uso; solicite um certificado emitido por uma AC adequada.'),

  keyUsageMissing: (s: CertSummary, purpose: CertPurpose, required: string): string =>
    `O certificado ${certRef(s)} não permite ${PURPOSE_LABEL[purpose]}: a extensão keyUsage não inclui ` +
    `${required}. Solicite à administração da federação um certificado com keyUsage ${required} e registre-o no sistema.`,

  weakKey: (role: CertRole, s: CertSummary, key: string, requirement: string): string =>
    `${the(role, s)} usa chave ${key}, que a política de segurança da federação não aceita (${requirement}). ` +
    (role === 'leaf'
      ? 'Gere um novo par de chaves (RSA de 2048 bits ou mais, ou ECDSA P-256) e solicite um novo certificado.'
      : renewFor(role)),

  weakSignature: (role: CertRole, s: CertSummary, algorithm: string): string =>
    `${the(role, s)} foi assinado com ${algorithm}, algoritmo que a política de segurança da federação não aceita ` +
    `(resumo criptográfico fraco). ${role === 'leaf' ? 'Solicite a reemissão do certificado com SHA-256 ou superior e registre-o no sistema.' : renewFor(role)}`,

  unsupportedAlgorithm: (role: CertRole, s: CertSummary, what: string): string =>
    `${the(role, s)} usa ${what}, que o Elo não sabe verificar ou que a política não aceita. ` +
    'Use certificados com chaves RSA (2048 bits ou mais) ou ECDSA (P-256, P-384, P-521, brainpool) e assinaturas SHA-256 ou superiores.',

  unknownCriticalExtension: (role: CertRole, s: CertSummary, oid: string): string =>
    `${the(role, s)} contém a extensão crítica ${EXTENSION_NAME[oid] ? `${EXTENSION_NAME[oid]} (${oid})` : oid}, que o Elo não processa; pela RFC 5280 (§4.2) o certificado ` +
    'deve então ser recusado. Solicite um certificado sem essa extensão crítica.',

  revoked: (
    role: CertRole,
    s: CertSummary,
    details: {
      revokedAt: string | null;
      reason: string | null;
      crlIssuer: string;
      crlThisUpdate: string;
    },
  ): string =>
    `${the(role, s)} foi revogado${details.revokedAt ? ` em ${details.revokedAt}` : ''}` +
    `${details.reason ? ` (motivo: ${details.reason})` : ''}, conforme a LCR emitida por "${details.crlIssuer}" ` +
    `em ${details.crlThisUpdate}. ` +
    (role === 'leaf'
      ? `Não use mais este certificado. ${ASK_NEW_LEAF}`
      : 'Certificados emitidos por esta AC não são mais aceitos: solicite um certificado emitido por uma AC vigente.'),

  crlStale: (
    s: CertSummary,
    crlIssuer: string,
    thisUpdate: string,
    nextUpdate: string,
    at: string,
  ): string =>
    `A LCR da AC "${crlIssuer}" (emitida em ${thisUpdate}) venceu em ${nextUpdate}, antes de ${at}; ` +
    `a situação de revogação do certificado ${certRef(s)} não pode ser confirmada. ` +
    'Obtenha a LCR atual publicada pela AC e tente de novo.',

  crlMissing: (s: CertSummary, crlIssuer: string): string =>
    `Nenhuma LCR da AC "${crlIssuer}" foi fornecida, e a política exige verificar a revogação do certificado ` +
    `${certRef(s)}. Forneça a LCR atual publicada pela AC.`,

  crlInvalid: (s: CertSummary, crlIssuer: string, why: string): string =>
    `A LCR apresentada como da AC "${crlIssuer}" não pode ser usada: ${why}. A situação de revogação do ` +
    `certificado ${certRef(s)} não pode ser confirmada. Obtenha a LCR diretamente do endereço de publicação da AC e tente de novo.`,

  crlNotYetValid: (s: CertSummary, crlIssuer: string, thisUpdate: string, at: string): string =>
    `A LCR da AC "${crlIssuer}" só vale a partir de ${thisUpdate}, depois do momento da verificação (${at}); ` +
    `a situação de revogação do certificado ${certRef(s)} nesse momento não pode ser confirmada. ` +
    'Forneça a LCR que estava em vigor na data da verificação ou confira o relógio do sistema.',

  malformed: (what: string, detail: string): string =>
    `${what} não é um certificado X.509 válido: ${detail}. Envie o certificado em formato PEM ou DER, ` +
    'como emitido pela AC.',

  malformedCrl: (what: string, detail: string): string =>
    `${what} não é uma LCR válida: ${detail}. Obtenha a LCR diretamente do endereço de publicação da AC.`,

  valid: (leaf: CertSummary, purpose: CertPurpose, at: string, anchor: CertSummary): string =>
    `O certificado ${certRef(leaf)} é válido para ${PURPOSE_LABEL[purpose]} em ${at}, ` +
    `com cadeia até a âncora de confiança "${anchor.subject}".`,
};

/** Why a CRL for the right issuer name was set aside (completes `messages.crlInvalid`). */
export const CRL_REJECTION = {
  signature: 'a assinatura não confere com a chave da AC emissora',
  other_issuer: 'foi emitida por outra AC com o mesmo nome (identificador de chave diferente)',
  no_crl_sign: 'o keyUsage do certificado da AC não inclui cRLSign',
  critical_extension: 'contém extensão crítica que o Elo não processa (LCR parcial ou delta)',
  weak_signature: 'foi assinada com algoritmo que a política não aceita',
} as const;
