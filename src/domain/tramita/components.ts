/**
 * The components of a package, flattened in wire order. The hub requests, stores and relays
 * components per process (§2.8 `processosComComponentesDigitaisSolicitados`, §6.2), so each
 * entry carries the protocolo of the process that owns it.
 */
import { fieldPath, indexPath } from './issues.ts';
import type { Documento, Processo } from './types.ts';

export interface ComponentRef {
  /** Protocolo of the owning process (main or apensado), or of the avulso. */
  protocolo: string;
  documentoOrdem: number;
  componenteOrdem: number;
  /** Components of `retirado` documents are never requested nor relayed (§6.1). */
  retirado: boolean;
  /** Base64 SHA-256, the `hash.conteudo` of the component. */
  hash: string;
  tamanhoEmBytes: number;
  especieCodigo: number;
  /** JSON path of the component, labelled as in validation messages (§8.4). */
  path: string;
}

function pushDocument(d: Documento, protocolo: string, docPath: string, out: ComponentRef[]) {
  const listPath = fieldPath(docPath, 'componentesDigitais');
  d.componentesDigitais.forEach((c, j) =>
    out.push({
      protocolo,
      documentoOrdem: d.ordem,
      componenteOrdem: c.ordem,
      retirado: d.retirado,
      hash: c.hash.conteudo,
      tamanhoEmBytes: c.tamanhoEmBytes,
      especieCodigo: d.especie.codigo,
      path: indexPath(listPath, j),
    }),
  );
}

function collect(p: Processo, path: string, out: ComponentRef[]): void {
  const docsPath = fieldPath(path, 'documentos');
  p.documentos.forEach((d, i) =>
    pushDocument(d, p.protocolo, indexPath(docsPath, i, d.ordem), out),
  );
  const apensadosPath = fieldPath(path, 'processoApensado');
  p.processoApensado.forEach((a, i) => collect(a, indexPath(apensadosPath, i), out));
}

/**
 * Every component of a process package: the main process's documents in array order, then each
 * apensado (depth first), each with the owning protocolo.
 *
 * @example
 * listComponents(body.processo).filter((c) => !c.retirado).map((c) => c.hash);
 */
export function listComponents(p: Processo): ComponentRef[] {
  const out: ComponentRef[] = [];
  collect(p, 'processo', out);
  return out;
}

/** The components of a documento avulso (§2.9), owned by `protocolo`. */
export function listDocumentComponents(d: Documento, protocolo: string): ComponentRef[] {
  const out: ComponentRef[] = [];
  pushDocument(d, protocolo, 'documento', out);
  return out;
}
