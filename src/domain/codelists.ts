import { z } from 'zod';

/** Federation-wide code lists (spec §2.5–§2.7, §3.6). */
export interface CodeListsData {
  especies: { codigo: number; nome: string }[];
  hipotesesLegais: { identificacao: number; nome: string; status: boolean }[];
  motivosUrgencia: { descricao: string }[];
}

export const especiesFileSchema = z.object({
  especies: z.array(z.object({ codigo: z.number().int().positive(), nome: z.string().min(1) })).min(1),
});
export const hipotesesFileSchema = z.object({
  hipotesesLegais: z.array(
    z.object({ identificacao: z.number().int().positive(), nome: z.string().min(1), status: z.boolean() }),
  ),
});
export const motivosFileSchema = z.object({
  motivosUrgencia: z.array(z.object({ descricao: z.string().min(1) })),
});

/** Problems that would break SEI's mirrored mappings (spec §2.5: codes unique, 179 present). */
export function codeListProblems(lists: CodeListsData): string[] {
  const problems: string[] = [];
  const codes = lists.especies.map((e) => e.codigo);
  if (new Set(codes).size !== codes.length) problems.push('espécies: código repetido');
  if (!codes.includes(179)) problems.push('espécies: falta o código 179 "Anexo", exigido pelo SEI');
  const ids = lists.hipotesesLegais.map((h) => h.identificacao);
  if (new Set(ids).size !== ids.length) problems.push('hipóteses legais: identificação repetida');
  return problems;
}
