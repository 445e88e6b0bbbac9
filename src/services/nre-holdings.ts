import { EloError } from '../domain/errors.ts';
import { WORKFLOW } from '../domain/situacao.ts';
import { formatValidationIssues, validationFailed } from '../domain/tramita/index.ts';
import type { NreHolder, NreHoldersResult } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * Who may use an NRE (spec §4.1, §6; docs/ameacas.md). A system is bound to an NRE when a
 * trâmite of it reached 5 with the system as a party; a partner migrating from the reference
 * bus imports its holdings (NRE + protocolo, exported from its SEI) so they are bound to it from
 * the start; an administrator releases an NRE (bound to nobody: open to the next sender) or
 * reassigns it to one system. Every change is an audit event.
 */

/** Most rows one import takes (README "Limites"); a larger export is imported in parts. */
export const MAX_HOLDINGS_ROWS = 50_000;

export interface HoldingRow {
  nre: string;
  protocolo: string;
  sistema: string;
}

export type HoldingOutcome = HoldingRow & { resultado: 'vinculado' | 'ja_vinculado' | 'recusado'; motivo?: string };

const NRE = /^\d{16}$/;
const PROTOCOLO_MAX = 50; // spec §8.1

const invalid = (issues: string[]) =>
  new EloError(
    'validation_failed',
    formatValidationIssues(
      issues.slice(0, 20).map((message) => ({ path: '', message })),
      'no arquivo de NREs (nada foi importado)',
    ) + (issues.length > 20 ? ` (e mais ${issues.length - 20})` : ''),
    { issues },
  );

/**
 * Reads an export of holdings: CSV (`nre;protocolo[;sistema]` or with commas, an optional header
 * line, `#` comments) or JSON (`{"sistema": "…", "nres": [{"nre": "…", "protocolo": "…"}]}` or a
 * bare array; a row's own `sistema` wins over the file's). `sistema` names the system when rows
 * do not. Every problem is reported with its line or position; nothing is kept from a bad file.
 *
 * @example parseHoldings('nre;protocolo\n0000000000000042;12345.000001/2026-11', 'sei-municipio')
 */
export function parseHoldings(text: string, sistema?: string): HoldingRow[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const rows: { where: string; nre: unknown; protocolo: unknown; sistema: unknown }[] = [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      throw invalid([`o arquivo não é um JSON válido (${e instanceof Error ? e.message : 'erro de sintaxe'})`]);
    }
    const obj = Array.isArray(value) ? { nres: value } : (value as Record<string, unknown>);
    if (!Array.isArray(obj.nres)) throw invalid(['nres deve ser uma lista de {"nre", "protocolo"}']);
    const fileSystem = typeof obj.sistema === 'string' ? obj.sistema : sistema;
    obj.nres.forEach((r: unknown, i: number) => {
      const o = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
      rows.push({ where: `nres[${i}]`, nre: o.nre, protocolo: o.protocolo, sistema: o.sistema ?? fileSystem });
    });
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith('#') || (i === 0 && /^"?nre"?\s*[;,]/i.test(l))) return;
      const [nre, protocolo, own] = l.split(/[;,\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
      rows.push({ where: `linha ${i + 1}`, nre, protocolo, sistema: own || sistema });
    });
  }
  if (rows.length === 0) throw invalid(['o arquivo não tem nenhum NRE']);
  if (rows.length > MAX_HOLDINGS_ROWS) throw invalid([`o arquivo tem ${rows.length} NREs; importe no máximo ${MAX_HOLDINGS_ROWS} por vez`]);
  const issues: string[] = [];
  const seen = new Map<string, string>();
  for (const r of rows) {
    if (typeof r.nre !== 'string' || !NRE.test(r.nre)) issues.push(`${r.where}: NRE deve ter 16 dígitos (recebido: ${JSON.stringify(r.nre ?? null)})`);
    if (typeof r.protocolo !== 'string' || !r.protocolo || r.protocolo.length > PROTOCOLO_MAX)
      issues.push(`${r.where}: protocolo é obrigatório, com até ${PROTOCOLO_MAX} caracteres`);
    if (typeof r.sistema !== 'string' || !r.sistema) issues.push(`${r.where}: informe o sistema (coluna sistema, campo "sistema" ou --sistema)`);
    if (typeof r.nre === 'string') {
      const before = seen.get(r.nre);
      if (before) issues.push(`${r.where}: NRE ${r.nre} repetido (já em ${before})`);
      else seen.set(r.nre, r.where);
    }
  }
  if (issues.length) throw invalid(issues);
  return rows.map((r) => ({ nre: r.nre as string, protocolo: r.protocolo as string, sistema: r.sistema as string }));
}

export function nreHoldingService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'workflow'>) {
  const { tramites, registry } = deps.store;
  /** A trâmite open from an outside sender would bind it again on completion (spec §6). */
  const open = (deps.workflow ?? WORKFLOW).open;
  const now = () => deps.clock.now().toISOString();
  const actor = (operator: string) => `operador:${operator}`;

  async function requireSystem(id: string): Promise<void> {
    if (!(await registry.getSystem(id))) {
      throw validationFailed({ path: 'sistema', message: `"${id}" não está registrado na federação` }, { sistema: id });
    }
  }

  async function requireKnown(nre: string) {
    const registration = NRE.test(nre) ? await tramites.nreRegistration(nre) : null;
    if (!registration) throw new EloError('not_found', `NRE ${nre} não encontrado.`, { nre });
    return registration;
  }

  const openError = (nre: string, r: Extract<NreHoldersResult, { reason: 'open_tramite' }>) =>
    new EloError(
      'tramite_already_open',
      `O NRE ${nre} tem um trâmite em andamento do sistema "${r.open.senderSystemId}" (IDT ${r.open.idt}, situação ${r.open.situacao}); se concluído, ele voltaria a vincular esse sistema. Cancele-o (DELETE /admin/api/tramites/${r.open.idt}) e repita a operação.`,
      { nre, open: r.open },
    );

  type Decision = { set: Omit<Parameters<typeof tramites.setNreHolders>[0], 'open'>; audit: Parameters<typeof tramites.setNreHolders>[2] } | HoldingOutcome;

  /** Runs a holders change, deciding again if the registration moved meanwhile (compare-and-set). */
  async function change(nre: string, decide: () => Promise<Decision>): Promise<HoldingOutcome | NreHoldersResult> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const decided = await decide();
      if ('resultado' in decided) return decided;
      const r = await tramites.setNreHolders({ ...decided.set, open }, now(), decided.audit);
      if (r.ok || r.reason === 'open_tramite') return r;
    }
    throw new EloError('concurrent_update', `O NRE ${nre} mudou durante a operação (outro trâmite dele foi concluído). Repita a operação.`);
  }

  async function importOne(row: HoldingRow, operator: string): Promise<HoldingOutcome> {
    const r = await change(row.nre, async () => {
      const registration = await tramites.nreRegistration(row.nre);
      const holders = await tramites.nreHolders(row.nre);
      if (holders.some((h) => h.systemId === row.sistema)) return { ...row, resultado: 'ja_vinculado' };
      if (holders.length > 0) {
        return { ...row, resultado: 'recusado', motivo: `NRE já vinculado a ${holders.map((h) => `"${h.systemId}"`).join(', ')}; para transferi-lo, use a reatribuição.` };
      }
      const registered = !!registration && registration.documents.length > 0;
      if (registered && registration.protocolo !== row.protocolo) {
        return { ...row, resultado: 'recusado', motivo: `o protocolo registrado para o NRE é ${registration.protocolo}, não ${row.protocolo}.` };
      }
      return {
        set: {
          nre: row.nre,
          // an adopted NRE with nothing registered takes the holder's protocolo (its first sender may have been anyone)
          protocolo: registered ? null : row.protocolo,
          expectedVersion: registration?.version ?? null,
          holders: [row.sistema],
          source: 'importacao',
        },
        audit: { kind: 'nre.importado', actor: actor(operator), data: { nre: row.nre, protocolo: row.protocolo, sistema: row.sistema } },
      };
    });
    if ('resultado' in r) return r;
    if (!r.ok && r.reason === 'open_tramite') return { ...row, resultado: 'recusado', motivo: openError(row.nre, r).mensagem };
    return { ...row, resultado: 'vinculado' };
  }

  return {
    /** Binds each NRE of an export to its system; rows bound elsewhere are reported, not changed. */
    async importHoldings(rows: HoldingRow[], operator: string): Promise<{ resultados: HoldingOutcome[]; vinculados: number; recusados: number }> {
      for (const s of new Set(rows.map((r) => r.sistema))) await requireSystem(s);
      const resultados: HoldingOutcome[] = [];
      for (const row of rows) resultados.push(await importOne(row, operator));
      return {
        resultados,
        vinculados: resultados.filter((r) => r.resultado === 'vinculado').length,
        recusados: resultados.filter((r) => r.resultado === 'recusado').length,
      };
    },

    async describe(nre: string): Promise<{ nre: string; protocolo: string; documentosRegistrados: number; vinculos: NreHolder[] }> {
      const registration = await requireKnown(nre);
      return { nre, protocolo: registration.protocolo, documentosRegistrados: registration.documents.length, vinculos: await tramites.nreHolders(nre) };
    },

    /** Binds the NRE to nobody: the next sender may use it, and the next trâmite to reach 5 binds its parties. */
    async release(nre: string, operator: string, motivo?: string): Promise<{ anteriores: string[] }> {
      let anteriores: string[] = [];
      await change(nre, async () => {
        const registration = await requireKnown(nre);
        anteriores = (await tramites.nreHolders(nre)).map((h) => h.systemId);
        return {
          set: { nre, protocolo: null, expectedVersion: registration.version, holders: [], source: 'administracao' },
          audit: { kind: 'nre.liberado', actor: actor(operator), data: { nre, anteriores, motivo: motivo ?? null } },
        };
      });
      return { anteriores };
    },

    /** Binds the NRE to one system only (a process that changed hands outside the hub). */
    async reassign(nre: string, sistema: string, operator: string, motivo?: string): Promise<{ anteriores: string[] }> {
      await requireSystem(sistema);
      let anteriores: string[] = [];
      const r = await change(nre, async () => {
        const registration = await requireKnown(nre);
        anteriores = (await tramites.nreHolders(nre)).map((h) => h.systemId);
        return {
          set: { nre, protocolo: null, expectedVersion: registration.version, holders: [sistema], source: 'administracao' },
          audit: { kind: 'nre.reatribuido', actor: actor(operator), data: { nre, sistema, anteriores, motivo: motivo ?? null } },
        };
      });
      if ('reason' in r && r.reason === 'open_tramite') throw openError(nre, r);
      return { anteriores };
    },
  };
}
