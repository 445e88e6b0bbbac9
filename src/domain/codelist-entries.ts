import type { CodeListsData } from './codelists.ts';

/**
 * The federation's code lists as entries that administrators edit with history (spec §2.5–§2.7,
 * §3.6). One shape for the three lists: `codigo` is the espécie's `codigo`, the hipótese's
 * `identificacao`, the motivo's 1-based position (spec §2.7: the code of a reason is its place).
 */
export const CODE_LIST_KINDS = ['especie', 'hipotese', 'motivo'] as const;
export type CodeListKind = (typeof CODE_LIST_KINDS)[number];

export interface CodeListEntry {
  kind: CodeListKind;
  codigo: number;
  /** The espécie's `nomeNoProdutor`, the hipótese's `nome`, the motivo's `descricao`. */
  nome: string;
  /** The hipótese's `status`; espécies and motivos are never deactivated, so always true. */
  ativo: boolean;
}

/** What one change did to an entry: `before` is null when it added the entry. */
export interface CodeListChange {
  seq: number;
  kind: CodeListKind;
  codigo: number;
  at: string;
  actor: string;
  reason: string;
  before: { nome: string; ativo: boolean } | null;
  after: { nome: string; ativo: boolean };
}

/**
 * spec §2.5: a receiving SEI files every document that refers to another under its mapping of
 * 179 "Anexo": the code must always be listed, under that name.
 */
export const ANEXO = { codigo: 179, nome: 'Anexo' } as const;

/** How administrators and the API name each list (the admin API's path segment, the CLI's argument). */
export const CODE_LIST_NAMES: Record<CodeListKind, { path: string; label: string; item: string; the: 'a' | 'o'; of: 'da' | 'do' }> = {
  especie: { path: 'especies', label: 'espécies documentais', item: 'espécie documental', the: 'a', of: 'da' },
  hipotese: { path: 'hipoteses', label: 'hipóteses legais', item: 'hipótese legal', the: 'a', of: 'da' },
  motivo: { path: 'motivos', label: 'motivos de urgência', item: 'motivo de urgência', the: 'o', of: 'do' },
};

export const kindOfPath = (path: string): CodeListKind | undefined => CODE_LIST_KINDS.find((k) => CODE_LIST_NAMES[k].path === path);

/** The lists of the federation files as entries (the seed of an empty store). */
export function entriesOf(data: CodeListsData): CodeListEntry[] {
  return [
    ...data.especies.map((e) => ({ kind: 'especie' as const, codigo: e.codigo, nome: e.nome, ativo: true })),
    ...data.hipotesesLegais.map((h) => ({ kind: 'hipotese' as const, codigo: h.identificacao, nome: h.nome, ativo: h.status })),
    ...data.motivosUrgencia.map((m, i) => ({ kind: 'motivo' as const, codigo: i + 1, nome: m.descricao, ativo: true })),
  ];
}

/** Entries back as the lists the Tramita face serves and validation reads, each by código. */
export function listsOf(entries: readonly CodeListEntry[]): CodeListsData {
  const of = (k: CodeListKind) => entries.filter((e) => e.kind === k).sort((a, b) => a.codigo - b.codigo);
  return {
    especies: of('especie').map((e) => ({ codigo: e.codigo, nome: e.nome })),
    hipotesesLegais: of('hipotese').map((h) => ({ identificacao: h.codigo, nome: h.nome, status: h.ativo })),
    motivosUrgencia: of('motivo').map((m) => ({ descricao: m.nome })),
  };
}
