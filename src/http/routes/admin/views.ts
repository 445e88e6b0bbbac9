import { formatCnpj } from '../../../domain/cnpj.ts';
import type { CodeListChange } from '../../../domain/codelist-entries.ts';
import type { Participant, ParticipantStatusChange } from '../../../domain/participant.ts';
import type { System, SystemBinding, SystemCertificate } from '../../../domain/registry.ts';
import type { HistoryEntry, TramiteComponent, TramiteRecord } from '../../../domain/tramite.ts';
import type { AuditEntry, LocalCode, NreHolder } from '../../../store/index.ts';

/**
 * What the administration and monitor API shows of the registry and of a trâmite: Portuguese
 * field names, documented in the OpenAPI document (openapi.ts) and the README, and none of the
 * storage internals (blob keys, byte spans, tickets) that the domain records carry. The domain
 * keeps its English names (ARCHITECTURE "Names"); this file is where they become the API's.
 */

/** A participant: the CNPJ formatted as people read it, beside the stored one. */
export const participantView = (p: Participant) => ({
  id: p.id,
  cnpj: p.cnpj,
  cnpjFormatado: formatCnpj(p.cnpj),
  nome: p.nome,
  sigla: p.sigla,
  esfera: p.esfera,
  poder: p.poder,
  uf: p.uf,
  ibge: p.ibge,
  contatos: p.contatos,
  situacao: p.status,
  motivoDaSituacao: p.statusReason,
  situacaoDesde: p.statusChangedAt,
});

/** A system's structure: `papel` as the registration's body says it (ambos, envia, recebe). */
export const bindingView = (b: SystemBinding) => ({
  repositorio: b.repositoryId,
  numero: b.numero,
  subarvore: b.subtree,
  papel: b.sends && b.receives ? 'ambos' : b.sends ? 'envia' : 'recebe',
});

export const systemView = (s: System, bindings: readonly SystemBinding[]) => ({
  id: s.id,
  nome: s.nome,
  participante: s.participantId,
  ativo: s.ativo,
  estruturas: bindings.filter((b) => b.systemId === s.id).map(bindingView),
});

/** A registered certificate, without its PEM. */
export const certificateView = (c: Omit<SystemCertificate, 'pem'> & { diasParaExpirar?: number }) => ({
  sistema: c.systemId,
  impressaoDigitalSha256: c.fingerprint256,
  titular: c.subject,
  serie: c.serial,
  validoDesde: c.notBefore,
  validoAte: c.notAfter,
  situacao: c.status === 'active' ? 'ativo' : 'revogado',
  registradoEm: c.addedAt,
  revogadoEm: c.revokedAt,
  ...(c.diasParaExpirar !== undefined ? { diasParaExpirar: c.diasParaExpirar } : {}),
});

/**
 * An audit event. `dados` is the event's record as the audit chain holds it (its hash covers those
 * bytes), so its keys are as each event wrote them.
 */
export const eventView = (e: AuditEntry & { seq: number; at: string }) => ({
  sequencia: e.seq,
  tipo: e.kind,
  autor: e.actor,
  IDT: e.idt ?? null,
  em: e.at,
  dados: e.data ?? {},
});

export const historyView = (h: HistoryEntry) => ({ situacao: h.situacao, em: h.at });

export const componentView = (c: TramiteComponent) => ({
  hash: c.hash,
  tamanhoEmBytes: c.size,
  protocolo: c.protocolo,
  pedidoAoRemetente: c.requested,
  recebidoPeloHub: c.received,
  aReceberPeloDestinatario: c.pendingForReceiver,
  entregueAoDestinatario: c.delivered,
  ocorrencias: c.occurrences,
});

/** The parts of a trâmite's record that a monitor needs beyond its list item (services/monitoring/views.ts). */
export const tramiteDetailFields = (t: TramiteRecord) => ({
  unidadeReceptora: t.receptora ? { repositorio: t.receptora.repositoryId, estrutura: t.receptora.numero } : null,
  reproducao: t.isReplay,
  envioParcial: t.envioParcial,
  urgente: t.urgente,
  motivoDaUrgencia: t.motivoUrgencia,
  formatoDosMetadados: t.metadataFormat ?? 'json',
  componentesCompletosEm: t.componentsCompleteAt,
  recusa: t.refusal ? { motivo: t.refusal.motivo, justificativa: t.refusal.justificativa, em: t.refusal.at } : null,
});

export const nreHolderView = (h: NreHolder) => ({ sistema: h.systemId, origem: h.source, desde: h.at });

/** One change of a participant's status: from, to, when, by whom, why. */
export const participantChangeView = (h: ParticipantStatusChange) => ({ de: h.from, para: h.to, em: h.at, por: h.actor, motivo: h.reason });

/** A system's own code of a code list and the federation code it maps to (null: none yet). */
export const localCodeView = (c: LocalCode) => ({ codigo: c.codigo, nome: c.nome, federacao: c.mapped, mapeadoEm: c.mappedAt, mapeadoPor: c.mappedBy });

export const mappingChangeView = (h: { mapped: number | null; at: string; actor: string }) => ({ federacao: h.mapped, em: h.at, por: h.actor });

/** One change of a code list entry (an espécie renamed, a hipótese deactivated). */
export const codeListChangeView = (h: CodeListChange) => ({ sequencia: h.seq, codigo: h.codigo, em: h.at, por: h.actor, motivo: h.reason, antes: h.before, depois: h.after });
