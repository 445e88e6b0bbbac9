import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/** Administration face: bearer token, problem+json errors, operator cancel, a trâmite's story. */
describe('administration API', () => {
  let t: TestHub;
  let agent: Agent;
  let token = '';
  const admin = async (method: string, path: string, auth: string | null = `Bearer ${token}`) => {
    const res = await fetch(`${t.hub.url}/admin/api${path}`, { method, dispatcher: agent, headers: auth ? { authorization: auth } : {} });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  beforeAll(async () => {
    t = await startTestHub();
    agent = new Agent({ connect: { ca: t.caPem } });
    token = readFileSync(t.paths.adminToken, 'utf8').trim();
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  it('refuses a request without token or with a wrong one, as problem+json with a stable code', async () => {
    for (const auth of [null, 'Bearer errado', 'Basic x']) {
      const r = await admin('GET', '/certificados', auth);
      expect(r.status).toBe(401);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code: 'admin_token_invalid', codigoErro: '9015', detail: expect.stringMatching(/token/i) });
    }
  });

  it('lists certificates with days to expiry, without the PEM', async () => {
    const r = await admin('GET', '/certificados');
    expect(r.status).toBe(200);
    expect(r.body.certificados).toHaveLength(4);
    const estado = r.body.certificados.find((c: { sistema: string }) => c.sistema === 'sei-estado');
    expect(estado).toMatchObject({ sistema: 'sei-estado', situacao: 'ativo', diasParaExpirar: expect.any(Number), impressaoDigitalSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Portuguese names only: none of the registry's own (fingerprint256, systemId, notAfter…)
    expect(Object.keys(estado).sort()).toEqual(['diasParaExpirar', 'impressaoDigitalSha256', 'registradoEm', 'revogadoEm', 'serie', 'sistema', 'situacao', 'titular', 'validoAte', 'validoDesde']);
    for (const c of r.body.certificados) expect(c.pem).toBeUndefined();
  });

  it('lists events for monitors, filtered by kind, including certificate expiry warnings', async () => {
    await t.hub.store.audit.append({ kind: 'certificado.expirando', actor: 'hub', data: { sistema: 'sei-estado', dias: 12 } }, new Date().toISOString());
    const r = await admin('GET', '/eventos?tipo=certificado.expirando');
    expect(r.status).toBe(200);
    expect(r.body.eventos).toHaveLength(1);
    expect(r.body.eventos[0]).toMatchObject({ tipo: 'certificado.expirando', autor: 'hub', dados: { sistema: 'sei-estado', dias: 12 } });
    expect(Object.keys(r.body.eventos[0]).sort()).toEqual(['IDT', 'autor', 'dados', 'em', 'sequencia', 'tipo']);
    expect((await admin('GET', '/eventos', null)).status).toBe(401);
  });

  it("tells a trâmite's story, who must act next, and lets the operator cancel it", async () => {
    const pkg = processoBody({ protocolo: '66.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([4, 2])] }] });
    const started = await t.client('sei-estado').iniciarProcesso(pkg.body);
    const idt = started.body.IDT as number;
    const story = await admin('GET', `/tramites/${idt}`);
    expect(story.status).toBe(200);
    expect(story.body).toMatchObject({ quemDeveAgir: 'sei-estado', tramite: { situacao: 1, situacaoNome: 'Aguardando o envio dos arquivos digitais' } });
    expect(story.body.eventos.map((e: { tipo: string }) => e.tipo)).toEqual(['tramite.iniciado']);
    // the monitor's story speaks Portuguese and shows no storage internals (blob keys, byte spans, the ticket)
    expect(JSON.stringify(story.body)).not.toMatch(/"(kind|senderSystemId|receiverSystemId|isReplay|metadataBlobKey|packageSpan|propsSpan|ticket|createdAt|lastTransitionAt|requested|pendingForReceiver|actor|at)"/);
    const cancelled = await admin('DELETE', `/tramites/${idt}`);
    expect(cancelled).toMatchObject({ status: 200, body: { cancelado: true, alterado: true } });
    const after = await admin('GET', `/tramites/${idt}`);
    expect(after.body.tramite.situacao).toBe(7);
    expect(after.body.eventos.at(-1)).toMatchObject({ tipo: 'tramite.cancelado', autor: 'operador:inicial' });
    expect((await admin('GET', '/tramites/999999999999')).status).toBe(404);
  });
});
