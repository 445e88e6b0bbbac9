import type { DeclaredCapabilities } from '../domain/capabilities.ts';
import type { CodeListName } from '../domain/code-list-mapping.ts';
import type { LocalCode } from './index.ts';

/** Rows of local_codes and system_capabilities, as both adapters read them (booleans: 0/1 or BOOLEAN). */
export interface LocalCodeRow {
  system_id: string;
  lista: string;
  codigo: string;
  nome: string;
  federation_code: number | null;
  mapped_at: string | null;
  mapped_by: string | null;
}

export const toLocalCode = (r: LocalCodeRow): LocalCode => ({
  systemId: r.system_id,
  lista: r.lista as CodeListName,
  codigo: r.codigo,
  nome: r.nome,
  mapped: r.federation_code,
  mappedAt: r.mapped_at,
  mappedBy: r.mapped_by,
});

export interface CapabilitiesRow {
  system_id: string;
  mime_types: string | null;
  max_component_bytes: number | null;
  envio_parcial: number | boolean | null;
  declared_by: string;
  at: string;
  actor: string;
}

export const toCapabilities = (r: CapabilitiesRow): DeclaredCapabilities => ({
  systemId: r.system_id,
  mimeTypesAceitos: r.mime_types === null ? null : (JSON.parse(r.mime_types) as string[]),
  tamanhoMaximoEmBytes: r.max_component_bytes,
  envioParcial: r.envio_parcial === null ? null : Boolean(r.envio_parcial),
  declaradoPor: r.declared_by as DeclaredCapabilities['declaradoPor'],
  at: r.at,
  actor: r.actor,
});

export interface CodeImportPlan {
  inserts: { codigo: string; nome: string }[];
  renames: { codigo: string; nome: string }[];
  /** Mappings that change: cleared first, then set, so the one-to-one index holds at every statement. */
  remaps: { codigo: string; to: number | null }[];
  conflicts: { federacao: number; codigos: string[] }[];
}

/**
 * What an import changes, decided once for both adapters from the codes as they are inside the
 * transaction: a conflict (two local codes on one federation code after the import) writes nothing.
 */
export function planCodeImport(existing: LocalCode[], rows: { codigo: string; nome: string; mapped?: number | null }[]): CodeImportPlan {
  const current = new Map(existing.map((c) => [c.codigo, c]));
  const plan: CodeImportPlan = { inserts: [], renames: [], remaps: [], conflicts: [] };
  const final = new Map(existing.map((c) => [c.codigo, c.mapped]));
  for (const r of rows) {
    const had = current.get(r.codigo);
    if (!had) plan.inserts.push({ codigo: r.codigo, nome: r.nome });
    else if (had.nome !== r.nome) plan.renames.push({ codigo: r.codigo, nome: r.nome });
    if (r.mapped === undefined) {
      if (!had) final.set(r.codigo, null);
      continue;
    }
    final.set(r.codigo, r.mapped);
    if ((had?.mapped ?? null) !== r.mapped) plan.remaps.push({ codigo: r.codigo, to: r.mapped });
  }
  const holders = new Map<number, string[]>();
  for (const [codigo, to] of final) if (to !== null && to !== undefined) holders.set(to, [...(holders.get(to) ?? []), codigo]);
  for (const [federacao, codigos] of holders) if (codigos.length > 1) plan.conflicts.push({ federacao, codigos: codigos.sort() });
  return plan;
}
