import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/**
 * Where the bytes of one component come from: memory or a file read block by block, so that a
 * component of gigabytes is sent holding one block (SDK default 50 MiB, as SEI's) in memory.
 */
export interface FonteDeComponente {
  readonly nome: string;
  readonly tamanho: number;
  /** The bytes of the half-open range [ini, fim). */
  ler(ini: number, fim: number): Promise<Uint8Array>;
  /** base64 of the SHA-256 of all the bytes (spec §3.3). */
  hash(): Promise<string>;
}

export function fonteEmMemoria(nome: string, bytes: Uint8Array): FonteDeComponente {
  return {
    nome,
    tamanho: bytes.length,
    ler: async (ini, fim) => bytes.subarray(ini, fim),
    hash: async () => createHash('sha256').update(bytes).digest('base64'),
  };
}

export async function fonteEmArquivo(nome: string, caminho: string): Promise<FonteDeComponente> {
  const { size } = await stat(caminho);
  let hashed: Promise<string> | null = null;
  return {
    nome,
    tamanho: size,
    async ler(ini, fim) {
      const handle = await open(caminho, 'r');
      try {
        const out = new Uint8Array(fim - ini);
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await handle.read(out, done, out.length - done, ini + done);
          if (bytesRead === 0) throw new Error(`o arquivo ${caminho} encolheu durante o envio (esperados ${size} bytes)`);
          done += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
      }
    },
    hash() {
      hashed ??= new Promise((resolve, reject) => {
        const h = createHash('sha256');
        createReadStream(caminho)
          .on('data', (chunk) => h.update(chunk))
          .on('error', reject)
          .on('end', () => resolve(h.digest('base64')));
      });
      return hashed;
    },
  };
}
