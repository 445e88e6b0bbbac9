import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TramitaClient } from '../../src/client/tramita-client.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';

type ErrorBody = { codigoErro: string; mensagem: string };

/** Foundation "Done when": bad input gets a clear error naming the field, and changes nothing. */
describe('bad input on the Tramita face', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  const good = () =>
    processoBody({ protocolo: '55.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(1000, 3)] }] });

  beforeAll(async () => {
    t = await startTestHub();
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
  });
  afterAll(async () => t?.close());

  const refusedWithoutChange = async (call: () => Promise<{ status: number; body: unknown }>, status: number, codigo: string) => {
    const before = t.snapshot();
    const r = await call();
    expect(r.status).toBe(status);
    expect((r.body as ErrorBody).codigoErro).toBe(codigo);
    expect(t.snapshot()).toEqual(before);
    return (r.body as ErrorBody).mensagem;
  };

  it('refuses malformed JSON with 0001 and keeps nothing', async () => {
    const msg = await refusedWithoutChange(() => estado.call('POST', 'tramites/processo', { rawBody: '{"cabecalho": {' }), 400, '0001');
    expect(msg).toContain('não é um JSON válido');
  });

  it('refuses an empty body declared as JSON with 0001', async () => {
    const msg = await refusedWithoutChange(() => estado.call('POST', 'tramites/processo', { rawBody: '' }), 400, '0001');
    expect(msg).toContain('Os seguintes erros de validação de campos foram identificados');
  });

  it('names a missing required field', async () => {
    const body = good().body as { processo: Record<string, unknown> };
    delete body.processo.protocolo;
    const msg = await refusedWithoutChange(() => estado.iniciarProcesso(body), 400, '0001');
    expect(msg).toContain('processo.protocolo');
  });

  it('names a field of the wrong type with the document ordem', async () => {
    const body = good().body as any;
    body.processo.documentos[0].componentesDigitais[0].tamanhoEmBytes = 'mil';
    const msg = await refusedWithoutChange(() => estado.iniciarProcesso(body), 400, '0001');
    expect(msg).toMatch(/processo\.documentos\[0\] \(ordem 1\)\.componentesDigitais\[0\].*tamanhoEmBytes/);
  });

  it('names an unknown espécie code', async () => {
    const body = good().body as any;
    body.processo.documentos[0].especie.codigo = 99999;
    const msg = await refusedWithoutChange(() => estado.iniciarProcesso(body), 400, '0001');
    expect(msg).toMatch(/especie\.codigo/);
  });

  it('ignores unknown extra fields anywhere in the body (spec §1.5.4)', async () => {
    const body = good().body as any;
    body.campoDesconhecido = { qualquer: 'coisa' };
    body.cabecalho.outroCampo = 1;
    body.processo.documentos[0].idAnexo = 77;
    body.processo.protocolo = '55.2/2026';
    const r = await estado.iniciarProcesso(body);
    expect(r.status, r.text).toBe(200);
  });

  it('refuses an unknown destination with 0005 and keeps nothing', async () => {
    const body = good().body as any;
    body.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = '999999';
    const msg = await refusedWithoutChange(() => estado.iniciarProcesso(body), 400, '0005');
    expect(msg).toContain('999999');
  });

  it('refuses an upload whose bytes do not match the declared SHA-256, naming both hashes, and keeps nothing', async () => {
    const pkg = processoBody({ protocolo: '55.3/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(5000, 11)] }] });
    const started = await estado.iniciarProcesso(pkg.body);
    expect(started.status).toBe(200);
    const ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    const wrong = bytesOf(5000, 12);
    const msg = await refusedWithoutChange(
      () => estado.enviarComponente(ticket, { bytes: wrong, hash: pkg.components[0]!.hash, protocolo: '55.3/2026' }),
      400,
      '9006',
    );
    expect(msg).toContain(pkg.components[0]!.hash);
    expect(msg).toContain(sha256b64(wrong));
    const shorter = await refusedWithoutChange(
      () => estado.enviarComponente(ticket, { bytes: pkg.components[0]!.bytes.slice(1), hash: pkg.components[0]!.hash, protocolo: '55.3/2026' }),
      400,
      '9006',
    );
    expect(shorter).toContain('Tamanho');
    const notRequested = await refusedWithoutChange(
      () => estado.enviarComponente(ticket, { bytes: wrong, hash: sha256b64(wrong), protocolo: '55.3/2026' }),
      400,
      '0001',
    );
    expect(notRequested).toContain('não foi solicitado');
    // the right bytes are still accepted afterwards
    expect((await estado.enviarComponente(ticket, { ...pkg.components[0]!, protocolo: '55.3/2026' })).status).toBe(200);
  });

  it('keeps exactly one of two overlapping parts sent at the same time', async () => {
    const bytes = bytesOf(5000, 21);
    const pkg = processoBody({ protocolo: '55.6/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytes] }] });
    const started = await estado.iniciarProcesso(pkg.body);
    const ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    const hash = pkg.components[0]!.hash;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        estado.enviarParte(ticket, 0, 3000, { bytes: bytes.slice(0, 3000), hash, protocolo: '55.6/2026' }),
        t.client('sei-estado').enviarParte(ticket, 2000, 5000, { bytes: bytes.slice(2000, 5000), hash, protocolo: '55.6/2026' }),
      ]);
      // whichever arrives first is kept (and its re-send later replaces it); the other overlaps
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 400]);
    }
    const parts = await t.hub.blobs.listParts(`${ticket}/${hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`);
    expect(parts).toHaveLength(1);
  });

  it('answers 404 for an unknown IDT and ticket', async () => {
    await refusedWithoutChange(() => municipio.metadados(999_999_999_999), 404, '9003');
    await refusedWithoutChange(() => estado.enviarComponente('1', { bytes: new Uint8Array([1]), hash: 'x', protocolo: 'p' }), 404, '9003');
  });

  it('refuses a completion receipt whose signature does not match, naming IDT and NRE, and changes nothing', async () => {
    const pkg = processoBody({ protocolo: '55.4/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(10, 1)] }] });
    const started = await estado.iniciarProcesso(pkg.body);
    const idt = started.body.IDT as number;
    await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...pkg.components[0]!, protocolo: '55.4/2026' });
    await municipio.metadados(idt);
    await municipio.baixarParte(idt, pkg.components[0]!.hash, '55.4/2026', 0, 10);
    const view = (await municipio.tramites({ IDT: idt })).body.tramites[0]!;
    const at4 = (view.mudancasDeSituacao as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4)!.dataHora;
    // spec §2.20, §7.2: the refusal changes nothing but the one event that alerts monitors
    const before = t.snapshot();
    const r = await municipio.enviarRecibo(idt, { dataDeRecebimento: receiptDate(new Date(at4)), hashDaAssinatura: Buffer.alloc(256, 1).toString('base64') });
    expect(r.status).toBe(400);
    expect((r.body as ErrorBody).codigoErro).toBe('9007');
    const msg = (r.body as ErrorBody).mensagem;
    const after = t.snapshot();
    const added = (after.rows.audit_events as { kind: string }[]).slice(before.rows.audit_events!.length);
    expect(added.map((e) => e.kind)).toEqual(['recibo.rejeitado']);
    expect({ ...after.rows, audit_events: before.rows.audit_events, audit_chains: before.rows.audit_chains, files: after.files }).toEqual({ ...before.rows, files: before.files });
    expect(msg).toContain(String(idt));
    expect(msg).toContain(started.body.NRE as string);
    // a download range beyond the component is a 0001 too
    await refusedWithoutChange(() => municipio.baixarParte(idt, pkg.components[0]!.hash, '55.4/2026', 0, 11), 400, '0001');
  });

  it('refuses a second trâmite of the same process while the first is open with 0044 naming the open IDT', async () => {
    const pkg = processoBody({ protocolo: '55.5/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(10, 2)] }] });
    const first = await estado.iniciarProcesso(pkg.body);
    expect(first.status).toBe(200);
    const msg = await refusedWithoutChange(() => estado.iniciarProcesso(pkg.body), 409, '0044');
    expect(msg).toContain(String(first.body.IDT));
    const withNre = { ...pkg.body, cabecalho: { ...pkg.body.cabecalho, NRE: first.body.NRE } };
    await refusedWithoutChange(() => estado.iniciarProcesso(withNre), 409, '0044');
  });
});
