/**
 * The environment a hub serves (spec §1.4: one certificate MUST NOT serve two environments, or two
 * SEI installations consume each other's pendências). Each hub declares it in its configuration
 * (ELO_AMBIENTE) and in the certificates its CA issues, as the subject's OU; a certificate that
 * declares the other environment is refused at every request. A certificate that declares none
 * (issued elsewhere, or before Elo marked them) is judged by the registry alone.
 */
export const AMBIENTES = ['homologacao', 'producao'] as const;
export type Ambiente = (typeof AMBIENTES)[number];

export const ambienteNome: Record<Ambiente, string> = { homologacao: 'homologação', producao: 'produção' };

/** The environment a certificate's subject declares (`…, OU=producao`), or null. */
export function declaredEnvironment(subject: string): Ambiente | null {
  for (const m of subject.matchAll(/(?:^|[,+]\s*)OU=([^,+]+)/g)) {
    const value = m[1]!.trim();
    const found = AMBIENTES.find((a) => a === value);
    if (found) return found;
  }
  return null;
}
