import { EloError } from '../../domain/errors.ts';
import type { ProcessoOutline } from '../../domain/nre-rules.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { BlobStore } from '../../store/index.ts';
import type { startBodyAnalysis } from './analyse.ts';
import { tramitaBodyOf } from './tramita-body.ts';

/**
 * Reads back the process a trâmite was started with (the exact stored body), in the outline the
 * NRE rules keep (spec §6.1). The analysis of a large body runs where the start's did: off the
 * event loop.
 */
export async function storedProcessoOutline(
  blobs: BlobStore,
  analyse: ReturnType<typeof startBodyAnalysis>,
  t: TramiteRecord,
): Promise<ProcessoOutline> {
  const raw = await tramitaBodyOf(blobs, t);
  try {
    return JSON.parse((await analyse(raw, 'processo')).analysis.processoOutline) as ProcessoOutline;
  } catch (e) {
    // Accepted once, so only a code-list change could make it invalid now.
    if (e instanceof EloError && (e.code === 'validation_failed' || e.code === 'malformed_json'))
      throw new EloError('internal_error', `O pacote armazenado do trâmite ${t.idt} não pôde ser lido de novo.`, { idt: t.idt });
    throw e;
  }
}
