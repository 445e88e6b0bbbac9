import type { FreeSpace, Log } from '../services/deps.ts';
import type { Signer } from '../pki/signer.ts';
import type { BlobStore, Store } from '../store/index.ts';

/** One named check of `/readyz` (README "Operação"). */
export interface ReadinessCheck {
  nome: string;
  ok: boolean;
  detalhe: string;
}

export interface ReadinessSources {
  store: Store;
  blobs: BlobStore;
  signer: Signer;
  freeSpace: FreeSpace;
  minFreeBytes: number;
  /** Whether the periodic sweep runs on some node, and why it is said to (runtime/hub.ts). */
  sweep(): Promise<{ ok: boolean; detalhe: string }>;
  /** Where a failed check's full message goes. */
  log?: Log;
  /** How long one check may take before it counts as failed (a hung disk or database). */
  timeoutMs?: number;
}

const MB = 1_048_576;

/**
 * `/readyz`: whether this node can do its work now. Each check does the real thing, not a
 * permission bit (root ignores those): the database runs a write statement that matches no row
 * (a read-only or unreachable database fails it), the blob store stages one byte and discards
 * it (a folder that cannot take a file fails it), the signing key signs a probe.
 */
export function readiness(src: ReadinessSources): () => Promise<{ pronto: boolean; verificacoes: ReadinessCheck[] }> {
  const timeoutMs = src.timeoutMs ?? 5000;
  const bounded = async (nome: string, run: () => Promise<{ ok: boolean; detalhe: string }>): Promise<ReadinessCheck> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`sem resposta em ${timeoutMs} ms`)), timeoutMs);
      });
      return { nome, ...(await Promise.race([run(), timeout])) };
    } catch (e) {
      // `/readyz` is open: the answer says what failed (ENOTDIR, SQLITE_READONLY), never a path
      // of the data folder; the full message goes to the log, for operators
      const code = (e as { code?: unknown } | null)?.code;
      const message = e instanceof Error ? e.message : String(e);
      src.log?.({ level: 'warn', event: 'prontidao.falhou', data: { verificacao: nome, mensagem: message.slice(0, 500) } });
      return { nome, ok: false, detalhe: `falhou: ${typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : message.replace(/(['"])\/[^'"]*\1/g, '$1…$1').slice(0, 200)}` };
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    const verificacoes = await Promise.all([
      bounded('banco_de_dados_gravavel', async () => {
        // a DELETE of deliveries older than year 0: a write that changes nothing
        await src.store.tramites.pruneDeliveries('0000-01-01T00:00:00.000Z', []);
        return { ok: true, detalhe: 'gravação de teste aceita' };
      }),
      bounded('arquivos_gravaveis', async () => {
        const staged = await src.blobs.stage(new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([0x2e])), c.close()) }), 1);
        await src.blobs.discard(staged);
        return { ok: true, detalhe: 'arquivo de teste gravado e apagado' };
      }),
      bounded('chave_de_assinatura', async () => {
        const signature = await src.signer.sign(new TextEncoder().encode('elo-prontidao'));
        return signature.length > 0 ? { ok: true, detalhe: 'chave carregada e assinando' } : { ok: false, detalhe: 'assinatura vazia' };
      }),
      bounded('varredura', () => src.sweep()),
      bounded('espaco_em_disco', async () => {
        const free = await src.freeSpace();
        return {
          ok: free >= src.minFreeBytes,
          detalhe: `${Math.floor(free / MB)} MB livres; mínimo ${Math.floor(src.minFreeBytes / MB)} MB (ELO_MIN_FREE_DISK_MB)`,
        };
      }),
    ]);
    return { pronto: verificacoes.every((v) => v.ok), verificacoes };
  };
}
