import { EloError } from '../../domain/errors.ts';
import { parseIniciarTramiteDocumento, parseIniciarTramiteProcesso, type CodeLists, type Documento, type Processo } from '../../domain/tramita/index.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { BlobStore } from '../../store/index.ts';

/** Reads back the package a trâmite was started with (the exact stored body). */
export async function storedPackage(
  blobs: BlobStore,
  lists: CodeLists,
  t: TramiteRecord,
): Promise<{ processo: Processo | null; documento: Documento | null; raw: Uint8Array }> {
  const raw = await blobs.readAll(t.metadataBlobKey);
  const json: unknown = JSON.parse(new TextDecoder().decode(raw));
  if (t.kind === 'processo') {
    const r = parseIniciarTramiteProcesso(json, lists);
    if (r.ok) return { processo: r.value.processo, documento: null, raw };
  } else {
    const r = parseIniciarTramiteDocumento(json, lists);
    if (r.ok) return { processo: null, documento: r.value.documento, raw };
  }
  // Accepted once, so only a code-list change could make it invalid now.
  throw new EloError('internal_error', `O pacote armazenado do trâmite ${t.idt} não pôde ser lido de novo.`, { idt: t.idt });
}
