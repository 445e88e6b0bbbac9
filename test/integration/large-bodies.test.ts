import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseStartBody, type StartBodyAnalyser, type StartKind } from '../../src/domain/tramita/index.ts';
import { codeListsOf } from '../../src/services/index.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const withBom = (json: unknown) => new Uint8Array([...BOM, ...new TextEncoder().encode(JSON.stringify(json))]);

/** A process of `docs` documents: 400 of them make a body of about 340 KB, past the inline size. */
const bigProcess = (protocolo: string, docs: number) =>
  processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: docs }, (_, i) => ({ bytes: [bytesOf(16, i + 1)] })) });

describe('start bodies with a UTF-8 byte order mark (RFC 8259 §8.1)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.close());

  it('refuses a process whose body starts with a BOM, says why, and the recipient receives nothing', async () => {
    const before = t.snapshot();
    const { body } = processoBody({ protocolo: '5.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(10, 1)] }] });
    const r = await t.client('sei-estado').call('POST', 'tramites/processo', { rawBody: withBom(body) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ codigoErro: '0001' });
    expect((r.body as { mensagem: string }).mensagem).toContain('marca de ordem de bytes (BOM)');
    expect(t.snapshot()).toEqual(before);
    const recipient = await t.client('sei-municipio').pendentes();
    expect(recipient.body).toEqual([]);
  });

  it('refuses a large (worker-analysed) documento avulso with a BOM the same way', async () => {
    const before = t.snapshot();
    const { body } = bigProcess('5.2/2026', 300);
    const avulso = {
      cabecalho: { remetente: body.cabecalho.remetente, destinatarios: [body.cabecalho.destinatario] },
      documento: { ...body.processo.documentos[0], produtor: { nome: 'x' } },
      padding: 'x'.repeat(300_000),
    };
    const r = await t.client('sei-estado').call('POST', 'tramites/documento', { rawBody: withBom(avulso) });
    expect(r.status).toBe(400);
    expect((r.body as { mensagem: string }).mensagem).toContain('BOM');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a small-operation body past 64 KB with 413 before parsing it (its parse runs on the event loop)', async () => {
    const r = await t.client('sei-municipio').call('POST', 'tramites/1/recusa', { json: { justificativa: 'x'.repeat(70_000), motivo: '99' } });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ codigoErro: '9013' });
    expect((r.body as { mensagem: string }).mensagem).toContain('64 KB');
  });

  it('refuses a BOM on the small JSON bodies too (a recusa)', async () => {
    const r = await t.client('sei-municipio').call('POST', 'tramites/1/recusa', { rawBody: withBom({ justificativa: 'x', motivo: 1 }) });
    expect(r.status).toBe(400);
    expect((r.body as { mensagem: string }).mensagem).toContain('BOM');
  });
});

describe('large start bodies: one analysed at a time, two waiting, more refused with 503 (spec §1.5.9)', () => {
  let t: TestHub;
  // The analyser port, held by the test: each analysis ends when the test releases it.
  const held: { kind: StartKind; release: () => void }[] = [];
  const arrivals: (() => void)[] = [];
  const nextArrival = () => new Promise<void>((r) => arrivals.push(r));
  const analyser: StartBodyAnalyser = (raw, kind, lists) =>
    new Promise((resolve) => {
      held.push({ kind, release: () => resolve({ raw, analysis: analyseStartBody(raw, kind, codeListsOf(lists.data)) }) });
      arrivals.splice(0).forEach((r) => r());
    });
  beforeAll(async () => {
    t = await startTestHub({ startBodyAnalyser: analyser });
  });
  afterAll(() => t?.close());

  it('holds the others unread while one is analysed, refuses the fourth with 9016, then serves them in turn', async () => {
    const before = t.snapshot();
    const estado = t.client('sei-estado');
    const bodies = ['6.1/2026', '6.2/2026', '6.3/2026', '6.4/2026'].map((p) => JSON.stringify(bigProcess(p, 400).body));
    expect(bodies[0]!.length).toBeGreaterThan(262_144);
    const firstArrival = nextArrival();
    const answers = bodies.map((b, i) => estado.call('POST', 'tramites/processo', { rawBody: b }).then((r) => ({ i, r })));
    await firstArrival;
    const refused = await Promise.race(answers);
    expect(refused.r.status).toBe(503);
    expect(refused.r.body).toMatchObject({ codigoErro: '9016' });
    expect((refused.r.body as { mensagem: string }).mensagem).toContain('Tente novamente');
    expect(held).toHaveLength(1);
    expect(t.snapshot()).toEqual(before);

    for (let k = 0; k < 3; k++) {
      const arrival = k < 2 ? nextArrival() : null;
      held[k]!.release();
      await arrival;
      expect(held).toHaveLength(Math.min(k + 2, 3));
    }
    const results = await Promise.all(answers);
    expect(results.map((a) => a.r.status).sort()).toEqual([200, 200, 200, 503]);
  });
});
