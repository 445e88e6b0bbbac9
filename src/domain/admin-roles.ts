/**
 * Who may use the administration API (ARCHITECTURE "Faces"): `admin` governs the whole
 * federation; `participante` is one participant's own administrator (its units, systems and
 * requests, nothing of anyone else); `monitor` reads everything and changes nothing.
 */
export const ADMIN_ROLES = ['admin', 'participante', 'monitor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The holder of a bearer token, as the routes see it. */
export interface AdminPrincipal {
  role: AdminRole;
  /** Names the token in audit events (never the token itself). */
  label: string;
  /** The participant a `participante` token speaks for; null for the other roles. */
  participantId: string | null;
}

/** A token as administrators list it: identified by the start of its SHA-256, never by itself. */
export interface AdminTokenInfo {
  /** The first 12 hex digits of the token's SHA-256: enough to name it, useless to use it. */
  id: string;
  sha256: string;
  role: AdminRole;
  label: string;
  participantId: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export const ROLE_LABEL: Record<AdminRole, string> = {
  admin: 'administração da federação',
  participante: 'administração de participante',
  monitor: 'monitoramento (somente leitura)',
};
