import { EloError } from './errors.ts';

/** What the NRE rules read of a document: a Documento (§3.2) fits it. */
export interface DocumentoOutline {
  ordem: number;
  especie: { codigo: number };
  retirado: boolean;
  protocoloDoProcessoAnexado?: string;
  /** Read by preflight only (the recipient's hipótese mappings). */
  hipoteseLegal?: { identificacao: number };
  /** `mimeType` and `dadosComplementaresDoTipoDeArquivo`: read by preflight only (the recipient's declared types). */
  componentesDigitais: { ordem: number; hash: { conteudo: string }; tamanhoEmBytes: number; mimeType?: string; dadosComplementaresDoTipoDeArquivo?: string }[];
}

/** What the NRE rules read of a process and its apensados: a Processo (§3.1) fits it. */
export interface ProcessoOutline {
  protocolo: string;
  /** Read by preflight only (the recipient's hipótese mappings). */
  hipoteseLegal?: { identificacao: number };
  documentos: DocumentoOutline[];
  processoApensado: ProcessoOutline[];
}

/**
 * Rules across the trâmites of one NRE (spec §6.1). Per NRE the hub keeps, for the main process
 * and each apensado (keyed by protocolo), the ordered documents registered when a trâmite
 * reached 5. Every message names the document ordem: it is the user's only guide (§9.4).
 */
export interface RegisteredDocument {
  protocolo: string;
  ordem: number;
  especie: number;
  retirado: boolean;
  anexado: string | null;
  components: { ordem: number; hash: string; size: number }[];
  registeredIdt: number;
}

export interface NreRegistration {
  nre: string;
  protocolo: string;
  /** Grows at every registration: a start checked against version v creates only if it is still v. */
  version: number;
  documents: RegisteredDocument[];
}

/** The documents of a package in registration form (main process first, then apensados). */
export function documentsToRegister(p: ProcessoOutline, idt: number): RegisteredDocument[] {
  const out: RegisteredDocument[] = [];
  const walk = (proc: ProcessoOutline) => {
    for (const d of proc.documentos) out.push(registered(proc.protocolo, d, idt));
    for (const a of proc.processoApensado) walk(a);
  };
  walk(p);
  return out;
}

const registered = (protocolo: string, d: DocumentoOutline, idt: number): RegisteredDocument => ({
  protocolo,
  ordem: d.ordem,
  especie: d.especie.codigo,
  retirado: d.retirado,
  anexado: d.protocoloDoProcessoAnexado ?? null,
  components: d.componentesDigitais.map((c) => ({ ordem: c.ordem, hash: c.hash.conteudo, size: c.tamanhoEmBytes })),
  registeredIdt: idt,
});

export interface NreRuleOptions {
  /** R3 may be configured as a warning (spec §6.1). */
  especieAsWarning?: boolean;
}

/** Checks R1–R5; returns the first violation as a catalogued error, or null. */
export function checkNreRules(reg: NreRegistration, p: ProcessoOutline, opts: NreRuleOptions = {}): EloError | null {
  if (reg.documents.length === 0) return null;
  if (p.protocolo !== reg.protocolo) {
    return new EloError(
      'protocolo_mismatch',
      `Inconsistência no número de protocolo do processo tramitado por este NRE (${reg.nre}). Protocolo anterior: ${reg.protocolo} atual: ${p.protocolo}. O número do processo não pode mudar entre trâmites.`,
      { nre: reg.nre, registrado: reg.protocolo, recebido: p.protocolo },
    );
  }
  const byProcess = new Map<string, DocumentoOutline[]>();
  const walk = (proc: ProcessoOutline) => {
    byProcess.set(proc.protocolo, proc.documentos);
    proc.processoApensado.forEach(walk);
  };
  walk(p);
  const registeredByProcess = new Map<string, RegisteredDocument[]>();
  for (const d of reg.documents) {
    const list = registeredByProcess.get(d.protocolo);
    if (list) list.push(d);
    else registeredByProcess.set(d.protocolo, [d]);
  }

  for (const [protocolo, registeredDocs] of registeredByProcess) {
    const sent = byProcess.get(protocolo);
    const where = protocolo === reg.protocolo ? 'do processo' : `do processo apensado ${protocolo}`;
    if (!sent) {
      return new EloError(
        'document_order_invalid',
        `Inconsistência no processo tramitado por este NRE (${reg.nre}): o processo apensado ${protocolo}, já registrado, não foi enviado. Documentos nunca são removidos: envie-o de novo.`,
        { nre: reg.nre, protocolo },
      );
    }
    const sentByOrdem = new Map(sent.map((d) => [d.ordem, d]));
    for (const r of [...registeredDocs].sort((a, b) => a.ordem - b.ordem)) {
      const d = sentByOrdem.get(r.ordem);
      if (!d) {
        return new EloError(
          'document_order_invalid',
          `Inconsistência identificada no documento de ordem '${r.ordem}' ${where} tramitado por este NRE (${reg.nre}): o documento, registrado pelo trâmite ${r.registeredIdt}, não foi enviado. Documentos excluídos ou movidos devem voltar com "retirado": true na mesma ordem.`,
          { nre: reg.nre, protocolo, ordem: r.ordem },
        );
      }
      const sentComponents = new Map(d.componentesDigitais.map((x) => [x.ordem, x]));
      for (const rc of r.components) {
        const c = sentComponents.get(rc.ordem);
        if (!c || c.hash.conteudo !== rc.hash) {
          return new EloError(
            'document_hash_mismatch',
            `Inconsistência identificada no documento de ordem '${r.ordem}' ${where} tramitado por este NRE (${reg.nre}): hash de ao menos um componente digital não confere. ` +
              `Componente ${rc.ordem}: hash registrado ${rc.hash} (trâmite ${r.registeredIdt}), hash recebido ${c ? c.hash.conteudo : '(componente ausente)'}. ` +
              'O documento foi gerado de novo pelo sistema de origem; o conteúdo enviado antes não pode mudar.',
            { nre: reg.nre, protocolo, ordem: r.ordem, componente: rc.ordem, registrado: rc.hash, recebido: c?.hash.conteudo ?? null, idt: r.registeredIdt },
          );
        }
      }
      if (d.especie.codigo !== r.especie && !opts.especieAsWarning) {
        return new EloError(
          'especie_mismatch',
          `Inconsistência na espécie documental no documento de ordem ${r.ordem} ${where} tramitado por este NRE (${reg.nre}): espécie registrada ${r.especie}, recebida ${d.especie.codigo}. Confira o mapeamento de espécies do sistema de origem.`,
          { nre: reg.nre, protocolo, ordem: r.ordem, registrada: r.especie, recebida: d.especie.codigo },
        );
      }
    }
  }
  return null;
}
