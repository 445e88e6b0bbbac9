import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa, generateRsaKeys, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/** Foundation §3: only a registered system with a certificate from a trusted anchor may call. */
describe('identity on the Tramita face over mTLS', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('answers the healthcheck without a client certificate (spec §2.1)', async () => {
    const anonymous = t.client('anon', { ca: t.caPem });
    expect((await anonymous.healthcheck()).status).toBe(200);
  });

  it('refuses a request without a client certificate with 401 and a Portuguese JSON error', async () => {
    const anonymous = t.client('anon', { ca: t.caPem });
    const r = await anonymous.repositorios();
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({ codigoErro: '9001', mensagem: expect.stringContaining('Nenhum certificado de cliente') });
  });

  it('refuses a certificate from another CA with 403 naming the certificate, and changes nothing', async () => {
    const before = t.snapshot();
    const rogue = await createRootCa({ name: 'CN=AC Pirata', at: new Date() });
    const keys = await generateRsaKeys();
    const cert = await issueLeaf({ issuer: rogue, subject: 'CN=sei-estado, O=Impostor', publicKey: keys.publicKey, purpose: 'client', at: new Date() });
    const impostor = t.client('impostor', { ca: t.caPem, cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey) });
    const r = await impostor.call('POST', 'tramites/processo', { json: processoBody({ protocolo: 'X', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] }).body });
    expect(r.status).toBe(403);
    expect((r.body as { codigoErro: string }).codigoErro).toBe('9001');
    expect((r.body as { mensagem: string }).mensagem).toMatch(/common name 'sei-estado'/);
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a certificate of the federation CA that no system registered', async () => {
    const { loadIssuer } = await import('../../src/runtime/bootstrap.ts');
    const issuer = await loadIssuer(t.config);
    const keys = await generateRsaKeys();
    const cert = await issueLeaf({ issuer, subject: 'CN=sei-nao-registrado', publicKey: keys.publicKey, purpose: 'client', at: new Date() });
    const stranger = t.client('stranger', { ca: t.caPem, cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey) });
    const r = await stranger.repositorios();
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ codigoErro: '9001', mensagem: expect.stringContaining("common name 'sei-nao-registrado'") });
    expect((r.body as unknown as { mensagem: string }).mensagem).toContain('não está vinculado a nenhum sistema');
  });

  it('refuses a system that sends for a structure it is not bound to, and changes nothing', async () => {
    const before = t.snapshot();
    const municipio = t.client('sei-municipio');
    const r = await municipio.iniciarProcesso(
      processoBody({ protocolo: '1.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] }).body,
    );
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ codigoErro: '9002', mensagem: expect.stringContaining('sei-municipio') });
    expect(t.snapshot()).toEqual(before);
  });

  it('lets a system act for a descendant of the structure it is bound to with its subtree', async () => {
    const estado = t.client('sei-estado');
    const r = await estado.iniciarProcesso(
      processoBody({ protocolo: '1.3/2026', remetente: [100, '1003'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1, 2])] }] }).body,
    );
    expect(r.status, r.text).toBe(200);
  });

  it('refuses receiver-side operations to the sender and sender-side ones to the receiver (deny by default)', async () => {
    const estado = t.client('sei-estado');
    const municipio = t.client('sei-municipio');
    const started = await estado.iniciarProcesso(
      processoBody({ protocolo: '1.4/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([3])] }] }).body,
    );
    const idt = started.body.IDT as number;
    const asSender = await estado.baixarParte(idt, 'x', 'p', 0, 1);
    expect(asSender.status).toBe(403);
    expect(asSender.body).toMatchObject({ codigoErro: '9002' });
    const asReceiver = await municipio.reciboDeEnvio(idt);
    expect(asReceiver.status).toBe(403);
    const upload = await municipio.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), {
      bytes: new Uint8Array([3]),
      hash: 'x',
      protocolo: '1.4/2026',
    });
    expect(upload.status).toBe(403);
  });
});
