import { codeListProblems, especiesFileSchema, hipotesesFileSchema, motivosFileSchema, type CodeListsData } from '../../domain/codelists.ts';
import especies from '../../../federation/codelists/especies.json' with { type: 'json' };
import hipoteses from '../../../federation/codelists/hipoteses-legais.json' with { type: 'json' };
import motivos from '../../../federation/codelists/motivos-urgencia.json' with { type: 'json' };

/**
 * The federation's code lists as the Worker carries them: the same files as on Node
 * (runtime/federation-files.ts), bundled at build time, checked by the same schemas when the
 * isolate starts. They seed the store's editable lists the first time (services/code-lists.ts).
 */
export function bundledCodeLists(): CodeListsData {
  const lists: CodeListsData = {
    especies: especiesFileSchema.parse(especies).especies,
    hipotesesLegais: hipotesesFileSchema.parse(hipoteses).hipotesesLegais,
    motivosUrgencia: motivosFileSchema.parse(motivos).motivosUrgencia,
  };
  const problems = codeListProblems(lists);
  if (problems.length) throw new Error(`Listas de códigos inválidas: ${problems.join('; ')}`);
  return lists;
}
