import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTramite } from '../harness/flow.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { readFileSync } from 'node:fs';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { startWorkerHub, workerModule, workerSnapshot, type WorkerHub } from '../harness/worker-hub.ts';

let hub: WorkerHub & { worker: WorkerHub };
beforeAll(async () => {
  const w = await startWorkerHub();
  hub = Object.assign(w, { worker: w });
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

describe('the Worker at its limits and edges', () => {
  it('refuses a start body over the Worker’s JSON bound with 413, saying the isolate’s memory is why and changing nothing', async () => {
    const before = await workerSnapshot(hub.worker);
    const big = JSON.stringify({ processo: { protocolo: 'X', descricao: 'x'.repeat(17 * 1_048_576) } });
    const r = await hub.client('sei-estado').iniciarProcesso(JSON.parse(big));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ mensagem: expect.stringMatching(/16 MB .*Cloudflare Workers.*128 MB/) });
    expect(await workerSnapshot(hub.worker)).toEqual(before);
  });

  it('refuses, at the next request, a certificate revoked in the registry, on a connection kept alive', async () => {
    const other = await startWorkerHub();
    try {
      const client = other.client('sei-municipio');
      expect((await client.repositorios()).status).toBe(200);
      const fp = other.seed.sistemas.find((s) => s.id === 'sei-municipio')!.fingerprint256;
      expect(await other.store.registry.revokeCertificate(fp, new Date().toISOString())).toBe(true);
      const r = await client.repositorios();
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ mensagem: expect.stringContaining('foi revogado') });
    } finally {
      await other.close();
    }
  });

  it('works from the fingerprint alone when the edge forwards no certificate bytes, and refuses an unregistered certificate', async () => {
    const edge = await startWorkerHub({ forward: 'fingerprint' });
    try {
      expect((await edge.client('sei-estado').repositorios()).status).toBe(200);
      // the hub's own TLS certificate, from the same CA, is registered to no system
      const stranger = { ...edge.creds['sei-estado']!, cert: readFileSync(dataPaths(edge.config.dataDir).tlsCert, 'utf8'), key: readFileSync(dataPaths(edge.config.dataDir).tlsKey, 'utf8') };
      const r = await edge.client('sei-estado', stranger).repositorios();
      expect(r.status).toBe(401);
    } finally {
      await edge.close();
    }
  });

  it('signs a checkpoint of its audit chain when the Cron Trigger sweeps', async () => {
    await hub.worker.sweep();
    const checkpoints = await hub.store.audit.checkpoints();
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.every((c) => /^worker-[0-9a-f]{8}$|^semeadura$|^teste$/.test(c.chain))).toBe(true);
    expect(checkpoints.some((c) => c.chain.startsWith('worker-'))).toBe(true);
  });

  it('answers 503 naming each missing secret and binding when the Worker is deployed without them', async () => {
    const { Miniflare } = await import('miniflare');
    const { modules, modulesRoot } = workerModule();
    const bare = new Miniflare({
      modules,
      modulesRoot,
      compatibilityDate: '2026-04-20',
      compatibilityFlags: ['nodejs_compat'],
      d1Databases: ['DB'],
      r2Buckets: ['BLOBS'],
    });
    try {
      const r = await bare.dispatchFetch('https://elo.exemplo.gov.br/healthz');
      expect(r.status).toBe(503);
      const body = (await r.json()) as { mensagem: string };
      for (const secret of ['ELO_SIGNING_KEY_PEM', 'ELO_SIGNING_CERT_PEM', 'ELO_TRUST_ANCHORS_PEM']) expect(body.mensagem).toContain(secret);
      expect(body.mensagem).toContain('binding "PENDENCIAS": ausente');
    } finally {
      await bare.dispose();
    }
  });
});
