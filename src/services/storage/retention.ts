import { needingSituacoes, WORKFLOW } from '../../domain/situacao.ts';
import type { ServiceDeps } from '../deps.ts';
import { blobLocks } from './blob-locks.ts';
/** Work done per sweep, so one sweep stays short; the next one continues. */
const BATCH = 500;

/**
 * Retention of stored bytes, run by the periodic sweep (at start and every
 * `sweepIntervalSeconds`). Blobs are content-addressed and shared between trâmites, so a file is
 * deleted only once the store, in one transaction, found that nothing that needs it refers to it
 * and forgot it (mark in the database first, then delete the file), all under the blob's lock
 * that uploads and starts also take. Every removal is an audit event.
 */
export function retentionService(deps: ServiceDeps) {
  const { retention } = deps.store;
  const locks = blobLocks(deps.blobs, deps.store.locks);
  const wf = deps.workflow ?? WORKFLOW;
  /** Cancelled trâmites (spec §5.1: 7, 10): nothing of them is delivered any more (§2.16: 409). */
  const CANCELLED = wf.cancelled;
  /**
   * Trâmites whose components may still be read or re-used: open ones (1–4) and finished ones
   * (5, 6, 8, 9) until their component bytes are purged. Cancelled ones need nothing.
   */
  const NEEDING = needingSituacoes(wf);
  /**
   * Concluded (5, 6) or refused (8, 9): the receiver has downloaded, or will never download, the
   * components (downloads are served only in 3 and 4, spec §2.19), while the metadata keeps being
   * served to both parties (spec §2.16), so only component bytes are purged.
   */
  const FINISHED = wf.finished;
  return {
    async sweep(): Promise<{ componentBlobs: number; metadataBlobs: number; expired: number }> {
      const now = deps.clock.now();
      const at = now.toISOString();
      const { purgeComponentsAfterMs, cancelledRetentionMs } = deps.settings;
      let expired = 0;
      if (purgeComponentsAfterMs > 0) {
        const before = new Date(now.getTime() - purgeComponentsAfterMs).toISOString();
        expired = (
          await retention.expireComponents(FINISHED, before, at, {
            kind: 'retencao.componentes_expirados',
            actor: 'hub',
            data: { dias: purgeComponentsAfterMs / 86_400_000 },
          })
        ).length;
      }
      // Component bytes of cancelled trâmites, and of expired ones, that nothing else needs.
      let componentBlobs = 0;
      for (const b of await retention.releasableComponentBlobs(NEEDING, BATCH)) {
        const removed = await locks.run(b.key, async () => {
          const release = await retention.releaseComponentBlob(b.hash, b.key, NEEDING, at, {
            kind: 'retencao.componente_removido',
            actor: 'hub',
          });
          if (release) await deps.blobs.remove(b.key);
          return release;
        });
        if (removed) componentBlobs++;
      }
      // Bodies (metadata) of trâmites cancelled longer ago than the retention period.
      let metadataBlobs = 0;
      const before = new Date(now.getTime() - cancelledRetentionMs).toISOString();
      for (const key of await retention.expiringMetadata(CANCELLED, before, BATCH)) {
        const removed = await locks.run(key, async () => {
          const r = await retention.expireMetadata(key, CANCELLED, before, at, {
            kind: 'retencao.metadados_removidos',
            actor: 'hub',
            data: { dias: cancelledRetentionMs / 86_400_000 },
          });
          if (r.release) await deps.blobs.remove(key);
          return r.release;
        });
        if (removed) metadataBlobs++;
      }
      if (componentBlobs || metadataBlobs || expired)
        deps.log({ level: 'info', event: 'retencao.varredura', data: { componentes: componentBlobs, metadados: metadataBlobs, tramitesExpirados: expired } });
      return { componentBlobs, metadataBlobs, expired };
    },
  };
}
