import { afterAll, describe, expect, it } from 'vitest';
import { EloError } from '../../src/domain/errors.ts';
import { analyseStartBody } from '../../src/domain/tramita/index.ts';
import { loadCodeLists } from '../../src/runtime/federation-files.ts';
import { startBodyWorker } from '../../src/runtime/start-body-analyser.ts';
import { codeListsOf } from '../../src/services/index.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/** The analyser thread the hub hands to its services (ARCHITECTURE: a worker lives in runtime/). */
describe('startBodyWorker: start bodies analysed in a thread of their own', () => {
  const codeLists = loadCodeLists();
  const lists = { version: 1, data: codeLists };
  const worker = startBodyWorker();
  afterAll(() => worker.close());
  const body = (docs: number) =>
    new TextEncoder().encode(
      JSON.stringify(processoBody({ protocolo: '3.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: docs }, (_, i) => ({ bytes: [bytesOf(8, i + 1)] })) }).body),
    );

  it('gives the same analysis as on the event loop, and gives the bytes back unchanged', async () => {
    const raw = body(2000);
    const copy = raw.slice();
    const { raw: back, analysis } = await worker.analyse(raw, 'processo', lists);
    expect(analysis).toEqual(analyseStartBody(copy, 'processo', codeListsOf(codeLists)));
    expect(analysis.ok).toBe(true);
    expect(Buffer.from(back).equals(Buffer.from(copy))).toBe(true);
  });

  it('analyses a view into a larger buffer by copying it first', async () => {
    const raw = body(3);
    const padded = new Uint8Array(raw.length + 10);
    padded.set(raw, 5);
    const { analysis } = await worker.analyse(padded.subarray(5, 5 + raw.length), 'processo', lists);
    expect(analysis.ok).toBe(true);
  });

  it('returns refusals as values (a BOM, broken JSON)', async () => {
    const bom = await worker.analyse(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'processo', lists);
    expect(bom.analysis).toMatchObject({ ok: false, code: 'malformed_json' });
    const broken = await worker.analyse(new TextEncoder().encode('{"cabecalho":'), 'documento', lists);
    expect(broken.analysis).toMatchObject({ ok: false, code: 'malformed_json' });
  });

  it('validates against the lists it is handed with each body: an espécie of a newer version is accepted, the held version is not sent again', async () => {
    const withEspecie = (codigo: number) =>
      new TextEncoder().encode(
        JSON.stringify(processoBody({ protocolo: '3.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ especie: codigo, bytes: [bytesOf(8, 1)] }] }).body),
      );
    expect((await worker.analyse(withEspecie(900), 'processo', lists)).analysis).toMatchObject({ ok: false, code: 'validation_failed' });
    const newer = { version: 2, data: { ...codeLists, especies: [...codeLists.especies, { codigo: 900, nome: 'Espécie nova' }] } };
    expect((await worker.analyse(withEspecie(900), 'processo', newer)).analysis.ok).toBe(true);
    // same version: the thread keeps what it holds (the lists cross only when the version moves)
    expect((await worker.analyse(withEspecie(900), 'processo', { version: 2, data: codeLists })).analysis.ok).toBe(true);
    expect((await worker.analyse(withEspecie(900), 'processo', { version: 3, data: codeLists })).analysis.ok).toBe(false);
  });

  it('fails an analysis under way with 503 when the thread ends, and starts a new thread for the next', async () => {
    const pending = worker.analyse(body(20_000), 'processo', lists);
    await worker.close();
    const e = await pending.then(
      () => null,
      (x: unknown) => x,
    );
    // the analysis may rarely finish before the thread is stopped; when it did not, it is a 503
    if (e !== null) {
      expect(e).toBeInstanceOf(EloError);
      expect((e as EloError).status).toBe(503);
    }
    expect((await worker.analyse(body(1), 'processo', lists)).analysis.ok).toBe(true);
  });
});
