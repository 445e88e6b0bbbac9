import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { codeListProblems, especiesFileSchema, hipotesesFileSchema, motivosFileSchema, type CodeListsData } from '../domain/codelists.ts';
import { federationSeedProblems, federationSeedSchema, type FederationSeed } from '../domain/registry.ts';

/** The project's `federation/` folder: declarative data, validated at load (ARCHITECTURE). */
export const federationDir = fileURLToPath(new URL('../../federation/', import.meta.url));

function readValidated<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Arquivo ${file} ilegível: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = schema.safeParse(json);
  if (!r.success)
    throw new Error(`Arquivo ${file} inválido: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function loadCodeLists(dir = federationDir): CodeListsData {
  const lists: CodeListsData = {
    especies: readValidated(`${dir}codelists/especies.json`, especiesFileSchema).especies,
    hipotesesLegais: readValidated(`${dir}codelists/hipoteses-legais.json`, hipotesesFileSchema).hipotesesLegais,
    motivosUrgencia: readValidated(`${dir}codelists/motivos-urgencia.json`, motivosFileSchema).motivosUrgencia,
  };
  const problems = codeListProblems(lists);
  if (problems.length) throw new Error(`Listas de códigos inválidas: ${problems.join('; ')}`);
  return lists;
}

export function loadFederationSeed(file: string): FederationSeed {
  const seed = readValidated(file, federationSeedSchema);
  const problems = federationSeedProblems(seed);
  if (problems.length) throw new Error(`Federação ${file} inconsistente: ${problems.join('; ')}`);
  return seed;
}
