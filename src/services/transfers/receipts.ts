import { clip } from '../../domain/bounded-text.ts';
import { EloError, isEloError } from '../../domain/errors.ts';
import { documentsToRegister } from '../../domain/nre-rules.ts';
import { Situacao } from '../../domain/situacao.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import type { CodeListsSnapshot } from '../code-lists.ts';
import { startBodyAnalysis } from './analyse.ts';
import { storedProcessoOutline } from './stored-package.ts';
import type { Caller } from '../../domain/identity.ts';
import type { CompletionReceipt, HistoryEntry, SendReceipt, TramiteRecord } from '../../domain/tramite.ts';
import { pemSignatureVerifier } from '../../pki/signer.ts';
import { fromBase64, toBase64 } from '../../pki/encoding.ts';
import { completionReceiptString, isReceiptDate, receiptDate, sendReceiptString, sortOrdinal } from '../../xml/receipt-strings.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty, requireSituacao, situacaoConflict } from './guards.ts';
import { naSituacao, workflowDecisions } from './workflow.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Send receipt (spec §2.13, §7.3) and completion receipt (spec §2.20, §2.21, §7.1, §7.2). */
export function receiptService(deps: ServiceDeps, lists: () => Promise<CodeListsSnapshot>) {
  const verifySignature = pemSignatureVerifier();
  const { tramites } = deps.store;
  const analyse = startBodyAnalysis(deps, lists);
  const { wf, rule } = workflowDecisions(deps);

  /**
   * spec §7.2 step 1: the posted date is exactly `YYYY-MM-DDTHH:MM:SS.000Z`, checked before any
   * string is built — a value carrying markup would otherwise be spliced into the `<recibo>`
   * string the signature is checked against.
   */
  function requireReceiptDateFormat(posted: string): void {
    if (isReceiptDate(posted)) return;
    throw validationFailed(
      {
        path: 'dataDeRecebimento',
        message:
          `deve ter exatamente o formato YYYY-MM-DDTHH:MM:SS.000Z, em UTC (recebido: "${clip(posted)}"). ` +
          'Use a data da situação 4 do trâmite, como em mudancasDeSituacao.',
      },
      { issues: [{ path: 'dataDeRecebimento', message: 'formato YYYY-MM-DDTHH:MM:SS.000Z' }] },
    );
  }

  /**
   * spec §7.1, §7.2 step 1: SEI signs the hub's own situação-4 time (the first such entry of
   * mudancasDeSituacao) written as `{D}`; a different posted date is refused unless the
   * installation accepts a mismatch, and then both are kept.
   */
  function compareWithSituacao4(t: TramiteRecord, posted: string, history: HistoryEntry[]): { situacao4Date: string | null; diverges: boolean } {
    // the receipt's date is the protocol's situação-4 entry (spec §7.1), whatever table moved it there
    const at4 = history.find((h) => h.situacao === Situacao.COMPONENTES_RECEBIDOS_DESTINATARIO)?.at;
    const situacao4Date = at4 ? receiptDate(new Date(at4)) : null;
    const diverges = situacao4Date !== posted;
    if (diverges && !deps.settings.acceptReceiptDateMismatch)
      throw validationFailed(
        {
          path: 'dataDeRecebimento',
          message:
            `(${posted}) deve ser a data em que o trâmite ${t.idt} chegou à situação 4 ` +
            `(${situacao4Date ?? 'não registrada'}: a entrada situacao 4 de mudancasDeSituacao, em UTC, com .000Z). Assine o recibo com essa data e envie de novo.`,
        },
        { issues: [{ path: 'dataDeRecebimento', message: 'difere da data da situação 4' }], situacao4Date },
      );
    return { situacao4Date, diverges };
  }

  async function verifyAndComplete(
    caller: Caller,
    idt: number,
    body: { dataDeRecebimento: string; hashDaAssinatura: string },
  ): Promise<{ changed: boolean }> {
    const t = await loadTramite(tramites, idt);
    requireParty(caller, t, ['receiver']);
    requireReceiptDateFormat(body.dataDeRecebimento);
    if (wf.receiptAvailable.includes(t.situacao)) {
      const stored = await tramites.getCompletionReceipt(idt);
      if (stored && stored.hashDaAssinatura === body.hashDaAssinatura && stored.dataDeRecebimento === body.dataDeRecebimento)
        return { changed: false }; // identical repeat (spec §2.20, §9.2)
    }
    const complete = rule('recibo_conclusao');
    requireSituacao(t, complete?.from ?? [], `O recibo de conclusão só é aceito ${naSituacao(complete?.from ?? [])}.`);
    const { situacao4Date, diverges } = compareWithSituacao4(t, body.dataDeRecebimento, await tramites.history(idt));
    const components = await tramites.components(idt);
    const pending = components.filter((c) => c.pendingForReceiver);
    const candidates: { label: string; hashes: string[] }[] = [
      { label: 'pendentes (com repetições)', hashes: pending.flatMap((c) => Array<string>(c.occurrences).fill(c.hash)) },
      { label: 'pendentes (sem repetições)', hashes: pending.map((c) => c.hash) },
      { label: 'todos os componentes', hashes: components.map((c) => c.hash) },
    ];
    const certificates = [
      caller.certificate,
      // renewal grace (spec §1.4, §7.2): the system's other certificates, never a revoked one
      ...(await deps.store.registry.listCertificates(caller.system.id)).filter(
        (c) => c.fingerprint256 !== caller.certificate.fingerprint256 && c.status === 'active',
      ),
    ];
    const signature = fromBase64(body.hashDaAssinatura);
    const tried: string[] = [];
    const at = deps.clock.now().toISOString();
    for (const candidate of candidates) {
      const signedString = completionReceiptString({ idt, nre: t.nre, dataDeRecebimento: body.dataDeRecebimento, hashes: candidate.hashes });
      if (tried.includes(signedString)) continue;
      tried.push(signedString);
      if (!signature) break;
      for (const cert of certificates) {
        if (!(await verifySignature(cert.pem, utf8(signedString), signature))) continue;
        const receipt: CompletionReceipt = {
          dataDeRecebimento: body.dataDeRecebimento,
          hashDaAssinatura: body.hashDaAssinatura,
          hashes: sortOrdinal(candidate.hashes),
          signedString,
          signerChainPem: cert.pem,
          receivedAt: at,
          situacao4Date,
        };
        const pkg = t.kind === 'processo' ? await storedProcessoOutline(deps.blobs, analyse, t) : null;
        const moved = await tramites.completeWithReceipt({
          idt,
          receipt,
          move: {
            from: complete!.from,
            to: complete!.to,
            audit: { kind: 'tramite.recibo_conclusao', actor: caller.system.id, data: { conjunto: candidate.label, certificado: cert.fingerprint256 } },
          },
          at,
          register: pkg ? documentsToRegister(pkg, idt) : [],
          // spec §6: the parties of a concluded trâmite hold the process (they may send it on)
          holders: [t.senderSystemId, t.receiverSystemId],
        });
        if (!moved.ok) throw situacaoConflict(moved.reason === 'conflict' ? moved.current : t, 'O trâmite mudou de situação.');
        if (moved.changed && diverges) {
          // spec §7.2 step 1, accepted by configuration: both dates are kept with the receipt;
          // operators are told, since the receiver's clock or conversion drifts.
          const data = { idt, nre: t.nre, sistema: caller.system.id, dataDeRecebimento: body.dataDeRecebimento, dataDaSituacao4: situacao4Date };
          deps.log({ level: 'warn', event: 'recibo_conclusao_data_divergente', data });
          await deps.store.audit.append({ kind: 'recibo.data_divergente', actor: 'hub', idt, data }, at);
        }
        return { changed: moved.changed };
      }
    }
    throw new EloError(
      'receipt_signature_invalid',
      `Assinatura do recibo de conclusão do trâmite ${idt} não confere (NRE ${t.nre}, dataDeRecebimento ${body.dataDeRecebimento}). ` +
        `Conjuntos de hashes verificados: ${candidates.map((c) => `${c.label}: [${sortOrdinal(c.hashes).join(', ')}]`).join('; ')}. ` +
        'Confira se o recibo foi assinado com a chave do certificado do sistema destinatário.',
      { idt, nre: t.nre, tried },
    );
  }

  /**
   * A refused completion receipt, told to operators (spec §2.20, §7.2, §9.3): SEI answers any
   * error here by refusing its own trâmite (→ 8), so a receipt refused while the trâmite waits in
   * 4 for its receiver ends a transfer that had arrived. One log line (with the rebuilt strings,
   * when any were built) and one `recibo.rejeitado` event for monitors. Refusals that could not
   * have completed anything — a caller that is not the receiver, another situação — are not
   * alerted, so no one else can fill the event list. Caller-supplied text is clipped.
   */
  async function receiptRejected(caller: Caller, idt: number, error: unknown, posted?: string): Promise<void> {
    if (!isEloError(error)) return; // unexpected failures are reported where errors are rendered
    try {
      const t = Number.isSafeInteger(idt) && idt > 0 ? await tramites.get(idt) : null;
      if (!t || t.receiverSystemId !== caller.system.id || !rule('recibo_conclusao')?.from.includes(t.situacao)) return;
      const tried = Array.isArray(error.details?.tried) ? (error.details.tried as string[]) : [];
      const data = {
        idt,
        nre: t.nre,
        sistema: caller.system.id,
        codigoErro: error.codigoErro,
        mensagem: error.mensagem,
        ...(posted === undefined ? {} : { dataDeRecebimento: clip(posted) }),
      };
      deps.log({ level: 'warn', event: 'recibo_conclusao_rejeitado', data: { ...data, strings: tried } });
      deps.metrics?.completionReceiptRejected();
      await deps.store.audit.append({ kind: 'recibo.rejeitado', actor: 'hub', idt, data }, deps.clock.now().toISOString());
    } catch (e) {
      // the caller still gets the refusal it earned; the lost alert is reported instead
      deps.log({ level: 'error', event: 'recibo_conclusao_alerta_falhou', data: { idt, erro: clip(e instanceof Error ? e.message : String(e)) } });
    }
  }

  return {
    async sendReceipt(caller: Caller, idt: number): Promise<{ idt: number; nre: string; receipt: SendReceipt }> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender']);
      if (!t.componentsCompleteAt) throw situacaoConflict(t, 'O recibo de envio só existe depois que todos os componentes digitais foram recebidos.');
      let receipt = await tramites.getSendReceipt(idt);
      if (!receipt) {
        const hashes = sortOrdinal((await tramites.components(idt)).filter((c) => c.requested).map((c) => c.hash));
        const data = receiptDate(new Date(t.componentsCompleteAt));
        const signedString = sendReceiptString({ idt, nre: t.nre, dataDeRecebimentoDoUltimoComponenteDigital: data, hashes });
        const signature = await deps.hubSigner.sign(utf8(signedString));
        await tramites.saveSendReceipt(idt, {
          dataDeRecebimentoDoUltimoComponenteDigital: data,
          hashes,
          signedString,
          hashDaAssinatura: toBase64(signature),
          chainPem: deps.hubSigner.chainPem,
        });
        receipt = (await tramites.getSendReceipt(idt))!; // a concurrent first call may have won: serve the stored one
      }
      return { idt, nre: t.nre, receipt };
    },

    /**
     * Verifies the receiver's signature over the rebuilt `<recibo>` string (spec §7.2), trying
     * the candidate hash sets in order and the certificate of this connection first, then the
     * system's other registered certificates (renewal grace). Every refusal of a receipt that
     * could have completed the trâmite is logged and alerted (see `receiptRejected`).
     */
    async postCompletionReceipt(
      caller: Caller,
      idt: number,
      body: { dataDeRecebimento: string; hashDaAssinatura: string },
    ): Promise<{ changed: boolean }> {
      try {
        return await verifyAndComplete(caller, idt, body);
      } catch (e) {
        await receiptRejected(caller, idt, e, body.dataDeRecebimento);
        throw e;
      }
    },

    receiptRejected,

    /** `GET tramites/{idt}/recibo`: the sender fetches the receipt; 5 → 6 (spec §2.21). */
    async completionReceipt(caller: Caller, idt: number): Promise<{ idt: number; nre: string; receipt: CompletionReceipt }> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender']);
      requireSituacao(t, wf.receiptAvailable, `O recibo de conclusão só está disponível ${naSituacao(wf.receiptAvailable)}.`);
      const receipt = await tramites.getCompletionReceipt(idt);
      if (!receipt) throw situacaoConflict(t, 'O recibo de conclusão não foi encontrado.');
      const delivered = rule('recibo_recebido');
      if (delivered?.from.includes(t.situacao)) {
        const moved = await tramites.transition({
          idt,
          from: delivered.from,
          to: delivered.to,
          at: deps.clock.now().toISOString(),
          audit: { kind: 'tramite.recibo_entregue', actor: caller.system.id },
        });
        if (!moved.ok) throw situacaoConflict(moved.reason === 'conflict' ? moved.current : t, 'O trâmite mudou de situação.');
      }
      return { idt, nre: t.nre, receipt };
    },
  };
}
