import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTramite } from '../harness/flow.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { startWorkerHub, type WorkerHub } from '../harness/worker-hub.ts';

let hub: WorkerHub;
beforeAll(async () => {
  hub = await startWorkerHub();
}, 120_000);
afterAll(() => hub?.close());

describe('Elo as a Cloudflare Worker (workerd, D1, R2, mTLS at the edge)', () => {
  it('answers /healthz', async () => {
    const r = await hub.mf.dispatchFetch('https://elo.exemplo.gov.br/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok' });
  });

  it('serves the directory to a system whose certificate the edge forwarded, and refuses a request without one', async () => {
    const r = await hub.client('sei-estado').repositorios();
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain('Estado');
    const anonymous = await hub.mf.dispatchFetch('https://elo.exemplo.gov.br/interoperabilidade/rest/v3/repositorios-de-estruturas');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ codigoErro: expect.any(String), mensagem: expect.stringContaining('certificado') });
  });

  it('completes a trâmite 1 → 6 through the Worker: start, upload, metadata, download, signed completion receipt', async () => {
    const p = processoBody({
      protocolo: '00001.000100/2026-01',
      remetente: [100, '1002'],
      destinatario: [200, '2002'],
      documentos: [{ bytes: [bytesOf(300_000, 7)] }, { bytes: [bytesOf(700, 8)] }],
    });
    const { idt } = await completeTramite(hub.client('sei-estado'), hub.client('sei-municipio'), hub.creds['sei-municipio']!.key, p.body, p.components);
    expect((await hub.store.tramites.get(idt))!.situacao).toBe(6);
  });
});
