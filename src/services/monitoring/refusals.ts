import type { AdminPrincipal } from '../../domain/admin-roles.ts';
import { clip } from '../../domain/bounded-text.ts';
import type { ServiceDeps } from '../deps.ts';
import type { RefusedRequest } from '../../store/index.ts';
import { badFilter, instant, limit, positiveInt } from './filters.ts';
import { findParticipant } from './scope.ts';

/** How long refused requests are kept, and how many per system at most (README "Monitorando"). */
export const REFUSAL_RETENTION = { days: 30, perSystem: 10_000 } as const;

/**
 * Refusals not recorded: load shedding (the hub said "not now", the request was not wrong), which
 * under a flood would turn every shed request into a database write, and requests whose
 * connection closed before their body ended (nobody is there to read the answer).
 */
const NOT_RECORDED = new Set(['too_many_requests', 'large_body_busy', 'unavailable', 'insufficient_storage', 'request_aborted']);

/** A refusal as the HTTP layer saw it: who, which route, and the catalogue error it rendered. */
export interface RefusalInput {
  systemId: string | null;
  method: string;
  path: string;
  error: { code: string; codigoErro: string; status: number; mensagem: string; details?: Record<string, unknown> };
}

const scalar = (v: unknown): string | number | boolean | null | undefined =>
  typeof v === 'string' ? clip(v, 200) : typeof v === 'number' || typeof v === 'boolean' || v === null ? v : undefined;

/**
 * The facts of a refusal worth keeping (spec §9.4): for `0047` the ordem, component and both
 * hashes, for `0044` the open IDT, for a certificate its reason and fingerprint, for `0001` the
 * paths and problems; otherwise the scalar details, clipped. Never a body, never document content:
 * only what the catalogue error already carried, bounded.
 */
export function refusalDetails(code: string, details: Record<string, unknown> | undefined): Record<string, unknown> {
  const d = details ?? {};
  const out: Record<string, unknown> = {};
  if (code === 'tramite_already_open' && d.open && typeof d.open === 'object') {
    const open = d.open as Record<string, unknown>;
    return { idtAberto: scalar(open.idt) ?? null, situacaoDoAberto: scalar(open.situacao) ?? null, nre: scalar(open.nre) ?? null };
  }
  if (code === 'document_hash_mismatch')
    return {
      nre: scalar(d.nre) ?? null,
      protocolo: scalar(d.protocolo) ?? null,
      ordem: scalar(d.ordem) ?? null,
      componente: scalar(d.componente) ?? null,
      hashRegistrado: scalar(d.registrado) ?? null,
      hashRecebido: scalar(d.recebido) ?? null,
      idtDoRegistro: scalar(d.idt) ?? null,
    };
  if (Array.isArray(d.issues))
    out.problemas = d.issues.slice(0, 10).map((i: unknown) => {
      const x = (i ?? {}) as Record<string, unknown>;
      return { caminho: scalar(x.path) ?? '', problema: scalar(x.message) ?? '' };
    });
  for (const [k, v] of Object.entries(d)) {
    const s = scalar(v);
    if (s !== undefined && Object.keys(out).length < 12) out[k === 'reason' ? 'motivo' : k] = s;
  }
  return out;
}

export function refusalService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'log'>) {
  const { registry, monitoring } = deps.store;
  return {
    /** Whether a refusal of this code is kept (load shedding is not). */
    records: (code: string): boolean => !NOT_RECORDED.has(code),

    /**
     * Records a refusal of a transfer face (called by the error renderer only, so the happy path
     * pays nothing). A certificate refused before any system was known is attributed to the
     * system its fingerprint is registered to, if any. A failure to record is logged, never thrown:
     * the caller's refusal must be answered whatever happens here.
     */
    async record(r: RefusalInput): Promise<void> {
      if (!this.records(r.error.code)) return;
      try {
        const d = r.error.details ?? {};
        let systemId = r.systemId ?? (typeof d.systemId === 'string' ? d.systemId : null);
        if (!systemId && typeof d.fingerprint256 === 'string') systemId = (await registry.getCertificate(d.fingerprint256))?.systemId ?? null;
        const system = systemId ? await registry.getSystem(systemId) : null;
        const details = refusalDetails(r.error.code, r.error.details);
        const pathIdt = /\/tramites\/(\d{1,16})(?:\/|$)/.exec(r.path)?.[1];
        const idt = pathIdt ? Number(pathIdt) : typeof details.idtAberto === 'number' ? details.idtAberto : null;
        const nre = typeof details.nre === 'string' ? details.nre : (/\/NREs\/(\d{16})\//.exec(r.path)?.[1] ?? null);
        const now = deps.clock.now();
        const row: RefusedRequest = {
          at: now.toISOString(),
          systemId: system?.id ?? systemId,
          participantId: system?.participantId ?? null,
          method: r.method,
          route: clip(r.path, 300),
          status: r.error.status,
          code: r.error.code,
          codigoErro: r.error.codigoErro,
          nre,
          idt,
          mensagem: clip(r.error.mensagem, 1000),
          details,
        };
        await monitoring.recordRefusal(row, {
          keepAfter: new Date(now.getTime() - REFUSAL_RETENTION.days * 86_400_000).toISOString(),
          keepPerSystem: REFUSAL_RETENTION.perSystem,
        });
      } catch (e) {
        deps.log({ level: 'error', event: 'recusa_nao_registrada', data: { erro: e instanceof Error ? e.message : String(e), codigo: r.error.code } });
      }
    },

    /**
     * Refused requests, newest first (README "Monitorando"): a participant's administrator sees
     * only its own systems' (a certificate no system owns is seen by the federation roles only).
     */
    async list(q: RefusalQuery, who: AdminPrincipal) {
      const filter: Parameters<typeof monitoring.refusals>[0] = { limit: q.limite ?? 50 };
      if (q.participante !== undefined) {
        const p = await findParticipant(deps.store, q.participante);
        if (!p) throw badFilter('participante', `não é um participante registrado (recebido: "${clip(q.participante)}")`);
        filter.participantId = p.id;
      }
      if (who.role === 'participante') {
        if (filter.participantId !== undefined && filter.participantId !== who.participantId) return { recusas: [], proximo: null };
        filter.participantId = who.participantId ?? '';
      }
      if (q.sistema !== undefined) filter.systemId = q.sistema;
      if (q.codigoErro !== undefined) filter.codigoErro = q.codigoErro;
      if (q.nre !== undefined) filter.nre = q.nre;
      if (q.de !== undefined) filter.from = q.de;
      if (q.ate !== undefined) filter.before = q.ate;
      if (q.cursor !== undefined) filter.beforeSeq = Number(q.cursor);
      const found = await monitoring.refusals(filter);
      return {
        recusas: found.map((r) => ({
          id: r.seq,
          em: r.at,
          sistema: r.systemId,
          participante: r.participantId,
          metodo: r.method,
          rota: r.route,
          status: r.status,
          codigo: r.code,
          codigoErro: r.codigoErro,
          NRE: r.nre,
          IDT: r.idt,
          mensagem: r.mensagem,
          detalhes: r.details,
        })),
        proximo: found.length === filter.limit ? String(found[found.length - 1]!.seq) : null,
      };
    },
  };
}

/** Filters of the refused-request list, already checked (`parseRefusalQuery`). */
export interface RefusalQuery {
  participante?: string;
  sistema?: string;
  codigoErro?: string;
  nre?: string;
  de?: string;
  ate?: string;
  cursor?: string;
  limite?: number;
}

export function parseRefusalQuery(q: Record<string, string | undefined>): RefusalQuery {
  const out: RefusalQuery = { limite: limit(q.limite) };
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  if (given(q.participante)) out.participante = q.participante;
  if (given(q.sistema)) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(q.sistema)) throw badFilter('sistema', `deve ser o identificador de um sistema (recebido: "${clip(q.sistema)}")`);
    out.sistema = q.sistema;
  }
  if (given(q.codigoErro)) {
    if (!/^\d{4}$/.test(q.codigoErro)) throw badFilter('codigoErro', `deve ter 4 dígitos, p. ex. 0047 (recebido: "${clip(q.codigoErro)}")`);
    out.codigoErro = q.codigoErro;
  }
  if (given(q.NRE)) {
    if (!/^\d{16}$/.test(q.NRE)) throw badFilter('NRE', `deve ter 16 dígitos (recebido: "${clip(q.NRE)}")`);
    out.nre = q.NRE;
  }
  if (given(q.de)) out.de = instant(q.de, 'de');
  if (given(q.ate)) out.ate = instant(q.ate, 'ate', true);
  if (given(q.cursor)) out.cursor = String(positiveInt(q.cursor, 'cursor'));
  return out;
}
