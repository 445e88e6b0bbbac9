import type { TramiteRecord } from '../../domain/tramite.ts';
import type { BlobStore } from '../../store/index.ts';
import { tramitaStartBody } from '../../xml/package/to-tramita.ts';
import { storedSignedPackage } from '../../xml/signed-package.ts';

/**
 * A trâmite's metadata as the Tramita start body (spec §2.8, §2.9), whatever face started it: the
 * stored bytes themselves for a trâmite started on the Tramita face; for one started on the
 * native face (`metadataFormat` `xml-assinado`), the body mapped from the sender's signed
 * package, the same bytes its start analysed (the mapping is deterministic). Every reader of the
 * metadata as JSON goes through here.
 */
export async function tramitaBodyOf(blobs: BlobStore, t: TramiteRecord): Promise<Uint8Array> {
  const raw = await blobs.readAll(t.metadataBlobKey);
  return t.metadataFormat === 'xml-assinado' ? tramitaStartBody(storedSignedPackage(raw, t.idt)) : raw;
}
