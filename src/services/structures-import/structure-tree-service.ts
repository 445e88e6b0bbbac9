import { EloError } from '../../domain/errors.ts';
import { participantLabel, participantStatusLabel } from '../../domain/participant.ts';
import type { Structure } from '../../domain/registry.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import { toHex } from '../../pki/encoding.ts';
import { sha256 } from '../../pki/sha256.ts';
import type { StructureImportRecord } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';
import type { ParticipantService } from '../participants.ts';
import { parseStructuresFile, StructureFileError, type StructureFileRow } from './parse-structures-file.ts';

/** The fields an import compares and writes; anything else of a unit is the hub's own. */
const FIELDS = [
  'nome',
  'sigla',
  'ativo',
  'parentNumero',
  'unidadeReceptora',
  'aptoParaReceberTramites',
  'aptoParaEnviarTramites',
  'codigoNoOrgaoEntidade',
  'codigoUnidadeReceptora',
  'successorNumero',
] as const;

export interface StructureImportOptions {
  repositorio: number;
  /** The participant's CNPJ: the import touches only its units. */
  participante: string;
  /** Name of the repository, to create it when it does not exist yet. */
  nome?: string;
  /** Plans and reports, writes nothing. */
  simular?: boolean;
  /** Deactivates the participant's units missing from the file (never deleted). */
  desativarAusentes?: boolean;
  /** When the new version takes effect (ISO date); now by default. */
  vigencia?: string;
}

export interface StructureImportReport {
  repositorio: number;
  participante: string;
  simulacao: boolean;
  /** The version after the import (unchanged when nothing changed). */
  versao: number;
  vigencia: string;
  formato: 'csv' | 'json';
  codificacao: string;
  separador: string | null;
  criadas: number;
  alteradas: number;
  desativadas: number;
  inalteradas: number;
  /** Units of the participant missing from the file and left as they are. */
  ausentes: number;
  /** The first changes, for a person to check (all of them are in the counts). */
  mudancas: { numero: string; acao: 'criada' | 'alterada' | 'desativada'; campos?: string[] }[];
}

const MAX_SHOWN = 50;

/**
 * A participant's unit tree (README "Árvore de unidades"): imported from a CSV or JSON file as
 * a new version of that participant's units in a repository, and exported in the same formats.
 * An import is all or nothing: a broken file is refused with every problem by line; a file equal
 * to what is stored changes nothing (no new version); units are never deleted nor renumbered
 * (spec §4.3): a missing unit is deactivated only when asked.
 */
export function structureTreeService(deps: Pick<ServiceDeps, 'store' | 'clock'>, participants: ParticipantService) {
  const { registry } = deps.store;

  async function ownerFor(cnpj: string) {
    const owner = await participants.find(cnpj);
    if (owner.status === 'desligado')
      throw new EloError('registry_conflict', `${participantLabel(owner)} está ${participantStatusLabel(owner.status)}: a árvore de unidades dele não muda mais.`, {
        participante: owner.id,
      });
    return owner;
  }

  function toStructure(repositoryId: number, participantId: string, r: StructureFileRow, receptoras: Set<string>): Structure {
    return {
      repositoryId,
      numero: r.numero,
      nome: r.nome,
      sigla: r.sigla,
      ativo: r.ativo,
      parentNumero: r.numeroPai,
      unidadeReceptora: receptoras.has(r.numero),
      aptoParaReceberTramites: r.recebeTramites,
      aptoParaEnviarTramites: r.enviaTramites,
      codigoNoOrgaoEntidade: r.codigoNoOrgao,
      codigoUnidadeReceptora: r.unidadeReceptora ?? '',
      participantId,
      successorNumero: r.sucessor,
    };
  }

  return {
    async importTree(bytes: Uint8Array, o: StructureImportOptions, actor: string): Promise<StructureImportReport> {
      if (!Number.isInteger(o.repositorio) || o.repositorio < 1) throw validationFailed({ path: 'repositorio', message: 'deve ser um número inteiro positivo' });
      const vigencia = o.vigencia ?? deps.clock.now().toISOString();
      if (Number.isNaN(Date.parse(vigencia))) throw validationFailed({ path: 'vigencia', message: `"${vigencia}" não é uma data: use AAAA-MM-DD` });
      const owner = await ownerFor(o.participante);
      const repository = await registry.getRepository(o.repositorio);
      if (!repository && !o.nome?.trim())
        throw new EloError('not_found', `O repositório de estruturas ${o.repositorio} não existe. Para criá-lo com esta importação, informe o nome dele (--nome "…").`, {
          repositorio: o.repositorio,
        });
      const owners = await registry.structureOwners(o.repositorio);
      const { structures: current, version } = await registry.participantStructures(o.repositorio, owner.id);

      let parsed;
      try {
        parsed = parseStructuresFile(bytes, (n) => owners.has(n));
      } catch (e) {
        if (e instanceof StructureFileError) throw fileRefused(e.problems, e.total);
        throw e;
      }
      const taken = parsed.rows.filter((r) => {
        const who = owners.get(r.numero);
        return who !== undefined && who !== owner.id;
      });
      if (taken.length)
        throw fileRefused(
          taken.slice(0, 200).map((r) => `linha ${r.line}: a estrutura ${r.numero} é de outro participante (${owners.get(r.numero) ?? 'sem participante'}); uma importação só muda as unidades do próprio participante`),
          taken.length,
        );

      const receptoras = new Set(parsed.rows.flatMap((r) => (r.unidadeReceptora ? [r.unidadeReceptora] : [])));
      const byNumero = new Map(current.map((s) => [s.numero, s]));
      const upserts: Structure[] = [];
      const mudancas: StructureImportReport['mudancas'] = [];
      let created = 0;
      let updated = 0;
      for (const r of parsed.rows) {
        const next = toStructure(o.repositorio, owner.id, r, receptoras);
        const before = byNumero.get(r.numero);
        if (!before) {
          created++;
          upserts.push(next);
          if (mudancas.length < MAX_SHOWN) mudancas.push({ numero: r.numero, acao: 'criada' });
          continue;
        }
        const campos = FIELDS.filter((f) => before[f] !== next[f]);
        if (campos.length) {
          updated++;
          upserts.push(next);
          if (mudancas.length < MAX_SHOWN) mudancas.push({ numero: r.numero, acao: 'alterada', campos: [...campos] });
        }
      }
      const inFile = new Set(parsed.rows.map((r) => r.numero));
      const missing = current.filter((s) => !inFile.has(s.numero));
      const deactivate = o.desativarAusentes ? missing.filter((s) => s.ativo).map((s) => s.numero) : [];
      for (const numero of deactivate) if (mudancas.length < MAX_SHOWN) mudancas.push({ numero, acao: 'desativada' });
      const report: StructureImportReport = {
        repositorio: o.repositorio,
        participante: owner.cnpj,
        simulacao: !!o.simular,
        versao: version,
        vigencia,
        formato: parsed.format,
        codificacao: parsed.encoding,
        separador: parsed.delimiter,
        criadas: created,
        alteradas: updated,
        desativadas: deactivate.length,
        inalteradas: parsed.rows.length - created - updated,
        ausentes: missing.length - deactivate.length,
        mudancas,
      };
      // the same file again changes nothing, not even the version (idempotent)
      if (o.simular || created + updated + deactivate.length === 0) return report;
      const digest = toHex(sha256(bytes));
      const at = deps.clock.now().toISOString();
      const r = await registry.applyStructureImport(
        {
          repositoryId: o.repositorio,
          repositoryName: repository ? null : o.nome!.trim(),
          participantId: owner.id,
          expectedVersion: version,
          effectiveAt: vigencia,
          at,
          actor,
          fileSha256: digest,
          created,
          updated,
          deactivated: deactivate.length,
          upserts,
          deactivate,
        },
        {
          kind: 'estruturas.importadas',
          actor,
          data: { repositorio: o.repositorio, participante: owner.id, criadas: created, alteradas: updated, desativadas: deactivate.length, arquivo: digest },
        },
      );
      if (!r.ok)
        throw new EloError(
          'concurrent_update',
          `Outra importação da árvore de ${participantLabel(owner)} no repositório ${o.repositorio} terminou enquanto esta era preparada (versão ${r.current}). Nada foi alterado; importe de novo.`,
        );
      return { ...report, versao: r.version };
    },

    async exportTree(o: { repositorio: number; participante: string; formato: 'csv' | 'json' }): Promise<{ text: string; unidades: number }> {
      const owner = await participants.find(o.participante);
      const { structures } = await registry.participantStructures(o.repositorio, owner.id);
      const rows = structures.map((s) => ({
        numero: s.numero,
        nome: s.nome,
        sigla: s.sigla,
        numeroPai: s.parentNumero ?? '',
        ativo: s.ativo,
        recebeTramites: s.aptoParaReceberTramites,
        enviaTramites: s.aptoParaEnviarTramites,
        codigoNoOrgao: s.codigoNoOrgaoEntidade,
        unidadeReceptora: s.codigoUnidadeReceptora,
        sucessor: s.successorNumero ?? '',
      }));
      if (o.formato === 'json') return { text: `${JSON.stringify({ estruturas: rows }, null, 2)}\n`, unidades: rows.length };
      // what Excel opens as it is here: UTF-8 with BOM, ';', CRLF, sim/não
      const cell = (v: string | boolean) => {
        const t = typeof v === 'boolean' ? (v ? 'sim' : 'não') : v;
        return /[;"\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
      };
      const header = Object.keys(rows[0] ?? { numero: 0, nome: 0, sigla: 0, numeroPai: 0, ativo: 0, recebeTramites: 0, enviaTramites: 0, codigoNoOrgao: 0, unidadeReceptora: 0, sucessor: 0 });
      const lines = [header.join(';'), ...rows.map((r) => Object.values(r).map(cell).join(';'))];
      return { text: `\uFEFF${lines.join('\r\n')}\r\n`, unidades: rows.length };
    },

    history: async (repositorio: number, cnpj: string): Promise<StructureImportRecord[]> => registry.structureImports(repositorio, (await participants.find(cnpj)).id),
  };
}

/** The whole-file refusal: every problem on its own line, and the promise that nothing changed. */
function fileRefused(problems: string[], total: number): EloError {
  return new EloError(
    'validation_failed',
    [`O arquivo de estruturas foi recusado inteiro e nada mudou. ${total} problema(s)${total > problems.length ? ` (os ${problems.length} primeiros)` : ''}:`, ...problems.map((p) => `- ${p}`)].join('\n'),
    { problemas: problems, total },
  );
}
