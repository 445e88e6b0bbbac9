import { memberSpans, type Span } from '../../domain/json-members.ts';
import { clip } from '../../domain/bounded-text.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import { validationFailed } from '../../domain/tramita/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty, requireSituacao, situacaoConflict } from './guards.ts';
import { naSituacao, workflowDecisions } from './workflow.ts';
import { tramitaBodyOf } from './tramita-body.ts';

const unitJson = (u: { repositoryId: number; numero: string }) =>
  JSON.stringify({ identificacaoDoRepositorioDeEstruturas: u.repositoryId, numeroDeIdentificacaoDaEstrutura: u.numero });

/** Receiver side: metadata (spec §2.16) and component download (spec §2.18, §2.19). */
export function deliveryService(deps: ServiceDeps) {
  const { tramites } = deps.store;
  const actorOf = (c: Caller) => c.system.id;
  const { wf, metadataFetched, componentsDelivered } = workflowDecisions(deps);

  /**
   * The package as the sender sent it, byte for byte, inside the envelope (ARCHITECTURE "Byte
   * stability"): the `processo`/`documento` and `propriedadesAdicionais` bytes are streamed
   * from the stored body, never re-rendered nor held whole in memory (a process's metadata may
   * be tens of MB and 10–20 workers fetch at once, spec §1.5.9).
   */
  async function envelope(t: TramiteRecord): Promise<ReadableStream<Uint8Array>> {
    let { packageSpan, propsSpan } = t;
    // A sender-signed package (native face) is mapped to its Tramita body on each read: the SEI
    // receives the protocol's JSON (spec §2.16), streamed from those bytes held in memory.
    const mapped = t.metadataFormat === 'xml-assinado' ? await tramitaBodyOf(deps.blobs, t) : null;
    if (!packageSpan) {
      // trâmites stored before the spans were recorded: find them once more
      const raw = mapped ?? (await deps.blobs.readAll(t.metadataBlobKey));
      const top = memberSpans(raw);
      const cabecalho = top.get('cabecalho');
      packageSpan = top.get(t.kind) ?? null;
      propsSpan = (cabecalho && memberSpans(raw, cabecalho).get('propriedadesAdicionais')) ?? null;
    }
    const head = [
      `"IDT":${t.idt}`,
      `"nre":"${t.nre}"`,
      `"NRE":"${t.nre}"`,
      `"remetente":${unitJson(t.remetente)}`,
      `"destinatario":${unitJson(t.destinatario)}`,
      ...(t.receptora ? [`"unidadeReceptora":${unitJson(t.receptora)}`] : []),
    ];
    const tail = [`"reproducaoDeTramite":${t.isReplay}`, `"reproducaoDeProcesso":${t.isReplay}`];
    if (t.isReplay) tail.push(`"ticketParaReenvioDeComponentesDigitais":"${t.ticket}"`);
    if (t.urgente) tail.push(`"urgencia":true`);
    if (t.motivoUrgencia !== null) tail.push(`"motivoDaUrgencia":${t.motivoUrgencia}`);
    const pieces: (string | { span: Span })[] = [
      `{${head.join(',')},"${t.kind}":`,
      packageSpan ? { span: packageSpan } : 'null',
      ',"propriedadesAdicionais":',
      propsSpan ? { span: propsSpan } : '[]',
      `,${tail.join(',')}}`,
    ];
    const encoder = new TextEncoder();
    let i = 0;
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        for (;;) {
          if (reader) {
            const { done, value } = await reader.read();
            if (!done) return controller.enqueue(value);
            reader = null;
          }
          const piece = pieces[i++];
          if (piece === undefined) return controller.close();
          if (typeof piece === 'string') return controller.enqueue(encoder.encode(piece));
          if (mapped) return controller.enqueue(mapped.subarray(piece.span.ini, piece.span.fim));
          reader = (await deps.blobs.read(t.metadataBlobKey, piece.span)).getReader();
        }
      },
      async cancel(reason) {
        await reader?.cancel(reason);
      },
    });
  }

  return {
    /** `GET tramites/{idt}`: a receiver call in 2 moves to 3 (and on to 4 when nothing is pending). */
    async metadata(caller: Caller, idt: number): Promise<ReadableStream<Uint8Array>> {
      let t = await loadTramite(tramites, idt);
      const side = requireParty(caller, t, ['receiver', 'sender']);
      if (wf.cancelled.includes(t.situacao)) throw situacaoConflict(t, 'O trâmite foi cancelado.');
      // spec §2.16: the receiver reads the metadata once the components are complete (2). In 1
      // the package may still be cancelled, so only the sender reads it (SEI reads
      // ticketParaReenvioDeComponentesDigitais from a replay's metadata in 1).
      if (!wf.readableByReceiver.includes(t.situacao) && t.senderSystemId !== caller.system.id) {
        throw situacaoConflict(
          t,
          `O destinatário só recebe os metadados ${naSituacao(wf.readableByReceiver)}, depois que o remetente enviar todos os componentes digitais.`,
        );
      }
      const moves = metadataFetched(actorOf(caller));
      // also heals a trâmite left in 3 with nothing pending (it cannot otherwise reach 4)
      if (side === 'receiver' && moves.some((m) => m.from.includes(t.situacao))) {
        await tramites.advance({ idt, at: deps.clock.now().toISOString(), moves });
        t = await loadTramite(tramites, idt);
      }
      return envelope(t);
    },

    /**
     * `POST …/componentes-digitais[/partes/{ini}-{fim}]`: the bytes [ini, fim) of a component,
     * located by hash within the trâmite whatever protocolo says (spec §2.19).
     */
    async download(
      caller: Caller,
      idt: number,
      hash: string,
      range: { ini: number; fim: number } | null,
    ): Promise<{ stream: ReadableStream<Uint8Array>; length: number }> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['receiver']);
      const purgedAt = (await deps.store.retention.status(idt))?.componentsPurgedAt;
      if (purgedAt) {
        const days = Math.round(deps.settings.purgeComponentsAfterMs / 86_400_000);
        throw new EloError(
          'component_purged',
          `Os arquivos dos componentes digitais do trâmite ${idt} foram removidos do hub em ${purgedAt} pela política de retenção (${days} dias após a situação final do trâmite). Os metadados continuam disponíveis; se precisar dos arquivos, peça ao remetente que envie o processo de novo.`,
          { idt, removidoEm: purgedAt },
        );
      }
      requireSituacao(t, wf.downloadable, `O download de componentes digitais só é aceito ${naSituacao(wf.downloadable)}.`);
      // Only what this trâmite asked the receiver to download: every such hash was uploaded in
      // this trâmite by its sender (spec §6.2). A hash merely declared, or held from elsewhere,
      // is never served: the blob store is shared, the right to read it is not.
      const component = (await tramites.components(idt)).find((c) => c.hash === hash && c.pendingForReceiver && c.received);
      const blobKey = component ? await tramites.blobKeyOf(hash) : null;
      if (!component || !blobKey) {
        throw new EloError('not_found', `O componente digital de hash ${clip(hash)} não faz parte do trâmite ${idt}.`, { idt, hash: clip(hash) });
      }
      const { ini, fim } = range ?? { ini: 0, fim: component.size };
      if (fim > component.size || ini < 0 || (component.size > 0 && ini >= fim) || ini > fim) {
        throw validationFailed(
          { path: '', message: `a faixa [${ini}, ${fim}) não é válida para o componente de ${component.size} bytes (hash ${clip(hash)})` },
          { ini, fim, size: component.size },
        );
      }
      await tramites.recordDownload(
        idt,
        hash,
        ini,
        fim,
        deps.clock.now().toISOString(),
        { kind: 'componente.entregue', actor: actorOf(caller), data: { hash } },
        componentsDelivered(),
      );
      const stream = await deps.blobs.read(blobKey, { ini, fim });
      deps.metrics?.componentBytes('saida', fim - ini);
      return { stream, length: fim - ini };
    },
  };
}
