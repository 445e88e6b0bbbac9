import { pemBlocks, toBase64 } from '../../pki/encoding.ts';
import type { auditService } from '../audit.ts';
import type { CheckpointSource } from './dossie.ts';

/**
 * The audit checkpoint a dossiê carries (issue 11 item 7: "each dossiê carries the latest
 * checkpoint covering its trâmite, so that partners hold witnesses"). Checkpoints are signed every
 * hour; a dossiê asked for before the next one would carry none that covers the trâmite's last
 * event, so the hub signs the heads that moved now (at most once per head: `checkpoint()` skips a
 * chain already signed at its head). None when the trâmite has no chained event (written before
 * the chains began).
 */
export function auditWitness(audit: Pick<ReturnType<typeof auditService>, 'latestCheckpointCovering' | 'checkpoint'>): CheckpointSource {
  return async (idt) => {
    let w = await audit.latestCheckpointCovering(idt);
    // none yet (no checkpoint at all, or none past the trâmite's last event): sign the heads now
    if (!w?.cobre) {
      await audit.checkpoint();
      w = await audit.latestCheckpointCovering(idt);
    }
    if (!w?.cobre) return null;
    const blocks = pemBlocks(w.checkpoint.chainPem);
    return {
      cadeia: w.checkpoint.chain,
      sequencia: w.checkpoint.position,
      hash: w.checkpoint.hash,
      em: w.checkpoint.at,
      ultimoEventoDoTramite: w.ultimaPosicao,
      assinatura: w.checkpoint.signature,
      cadeiaDeCertificados: blocks.ok ? blocks.value.filter((b) => b.label === 'CERTIFICATE').map((b) => toBase64(b.der)) : [],
    };
  };
}
