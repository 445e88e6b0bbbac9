import { describe, expect, it } from 'vitest';
import type { BlobStore, Store } from '../store/index.ts';
import { readiness } from './readiness.ts';

const okBlobs = { stage: async () => ({ id: 'x', sha256: '', size: 1, tooLarge: false, key: 'k' }), discard: async () => {} } as unknown as BlobStore;
const okStore = { tramites: { pruneDeliveries: async () => {} } } as unknown as Store;
const base = {
  store: okStore,
  blobs: okBlobs,
  signer: { sign: async () => new Uint8Array([1]), chainPem: '' },
  freeSpace: async () => 10 * 1_048_576 * 1024,
  minFreeBytes: 1_048_576,
  sweep: async () => ({ ok: true, detalhe: 'ok' }),
};

describe('readiness checks', () => {
  it('is ready when every check passes', async () => {
    const r = await readiness(base)();
    expect(r.pronto).toBe(true);
    expect(r.verificacoes.map((v) => v.ok)).toEqual([true, true, true, true, true]);
  });

  it('is not ready when the database refuses a write, naming the error code and not the message', async () => {
    const store = {
      tramites: {
        pruneDeliveries: async () => {
          throw Object.assign(new Error('attempt to write a readonly database at /var/lib/elo/elo.db'), { code: 'SQLITE_READONLY' });
        },
      },
    } as unknown as Store;
    const logged: unknown[] = [];
    const r = await readiness({ ...base, store, log: (e) => logged.push(e) })();
    expect(r.pronto).toBe(false);
    expect(r.verificacoes[0]).toEqual({ nome: 'banco_de_dados_gravavel', ok: false, detalhe: 'falhou: SQLITE_READONLY' });
    expect(logged).toMatchObject([{ level: 'warn', event: 'prontidao.falhou', data: { verificacao: 'banco_de_dados_gravavel' } }]);
  });

  it('counts a check that does not answer in time as failed, and answers anyway', async () => {
    const hung = { stage: () => new Promise(() => {}), discard: async () => {} } as unknown as BlobStore;
    const r = await readiness({ ...base, blobs: hung, timeoutMs: 20 })();
    expect(r.pronto).toBe(false);
    expect(r.verificacoes[1]).toEqual({ nome: 'arquivos_gravaveis', ok: false, detalhe: 'falhou: sem resposta em 20 ms' });
  });

  it('is not ready when no node runs the sweep, or the signing key cannot sign', async () => {
    const noSweep = await readiness({ ...base, sweep: async () => ({ ok: false, detalhe: 'nenhum nó detém a trava da varredura' }) })();
    expect(noSweep.pronto).toBe(false);
    expect(noSweep.verificacoes[3]).toMatchObject({ nome: 'varredura', ok: false });
    const noKey = await readiness({ ...base, signer: { sign: async () => Promise.reject(new Error('chave ausente')), chainPem: '' } })();
    expect(noKey.verificacoes[2]).toMatchObject({ nome: 'chave_de_assinatura', ok: false, detalhe: 'falhou: chave ausente' });
  });
});
