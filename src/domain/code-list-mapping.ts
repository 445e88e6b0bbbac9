/**
 * A system's own code lists mapped to the federation's (README "Mapeamento de espécies e
 * hipóteses"): its document types to espécies documentais (spec §2.5) and its restriction
 * hypotheses to hipóteses legais (spec §2.6), one to one, as the PEN module keeps them in SEI.
 */
export const CODE_LISTS = ['especies', 'hipoteses'] as const;
export type CodeListName = (typeof CODE_LISTS)[number];

export const isCodeListName = (v: unknown): v is CodeListName => CODE_LISTS.includes(v as CodeListName);

/** How each list is named to people: what a local code is, and what it maps to. */
export const CODE_LIST_LABEL: Record<CodeListName, { local: string; federacao: string }> = {
  especies: { local: 'tipo de documento', federacao: 'espécie documental' },
  hipoteses: { local: 'hipótese de restrição', federacao: 'hipótese legal' },
};
