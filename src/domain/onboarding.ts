/**
 * Onboarding in one approval (README "Adesão por convite"): the federation administrator hands
 * a partner a one-time invitation; the partner's administrator, who has no credential yet,
 * submits its participant, its unit tree and a CSR for its system with that invitation; the
 * administrator approves it (participant, tree, system and certificate in one act) or refuses
 * it with a reason. One approval joins the whole federation.
 */
/**
 * `aprovando`: an approval began and has not finished (the CA failed, the hub stopped midway);
 * approving it again carries on from where it stopped.
 */
export const ONBOARDING_STATUSES = ['pendente', 'aprovando', 'aprovada', 'recusada'] as const;
export type OnboardingStatus = (typeof ONBOARDING_STATUSES)[number];

/** What the partner submitted, kept as sent until the decision. */
export interface OnboardingData {
  /** The participant's registration data (domain/participant.ts participantInputSchema). */
  participante: Record<string, unknown>;
  repositorio: { id: number; nome: string };
  /** The unit tree file, as text (README "Árvore de unidades: o arquivo"). */
  estruturas: string;
  sistema: { id: string; nome: string };
  /** PKCS#10 request of the system's key, PEM: the private key never leaves the partner. */
  csr: string;
}

export interface Invitation {
  /** SHA-256 of the code: the code itself is shown once and never stored. */
  sha256: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  note: string;
  usedAt: string | null;
}

export interface OnboardingRequest {
  id: number;
  submittedAt: string;
  status: OnboardingStatus;
  data: OnboardingData;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string;
  /** The system's certificate and chain, PEM, once approved. */
  certificatePem: string | null;
}
