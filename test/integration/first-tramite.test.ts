import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompletionReceipt, type TramitaClient } from '../../src/client/tramita-client.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';

/** Verifies an RSA-SHA256 signature with the real `openssl` command (cross-check of our crypto). */
function opensslVerifies(certPem: string, data: string, signatureB64: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'elo-openssl-'));
  writeFileSync(join(dir, 'cert.pem'), certPem);
  writeFileSync(join(dir, 'data'), data);
  writeFileSync(join(dir, 'sig'), Buffer.from(signatureB64, 'base64'));
  const pub = execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-pubkey', '-noout']);
  writeFileSync(join(dir, 'pub.pem'), pub);
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'data')], {
      stdio: 'pipe',
    });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('first trâmite end to end over mTLS (spec §2: 1→2→3→4→5→6)', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  const docs = [
    { bytes: [new TextEncoder().encode('<html><body>Despacho nº 1/2026 — ação</body></html>')] },
    { bytes: [bytesOf(300_000, 7), bytesOf(1, 9)], mimeType: 'application/pdf', especie: 179 },
  ];
  const pkg = processoBody({ protocolo: '99990.000001/2026-01', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: docs });
  const rawBody = JSON.stringify(pkg.body, null, 1);
  let idt = 0;
  let nre = '';
  let ticket = '';

  beforeAll(async () => {
    t = await startTestHub();
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
  });
  afterAll(async () => t?.close());

  const situacao = async (client: TramitaClient) => (await client.tramites({ IDT: idt })).body.tramites[0]!.situacaoAtual as number;

  it('answers the healthcheck and lists repositories and a structure with its hierarchy', async () => {
    expect((await estado.healthcheck()).status).toBe(200);
    const repos = await estado.repositorios(true);
    expect(repos.status).toBe(200);
    expect(repos.body.map((r) => r.id)).toEqual([1, 5, 100, 200]);
    const s = await estado.estrutura(200, '2002');
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      numeroDeIdentificacaoDaEstrutura: '2002',
      sigla: 'PROTOCOLO',
      hierarquia: [{ numeroDeIdentificacaoDaEstrutura: '2001' }, { numeroDeIdentificacaoDaEstrutura: '2000' }],
    });
  });

  it('starts the trâmite in situação 1 and asks for every distinct component', async () => {
    const r = await estado.call<Record<string, any>>('POST', 'tramites/processo', { rawBody });
    expect(r.status, r.text).toBe(200);
    idt = r.body.IDT;
    nre = r.body.NRE;
    ticket = String(r.body.ticketParaEnvioDeComponentesDigitais);
    expect(idt).toBeGreaterThan(1_000_000_000);
    expect(nre).toMatch(/^9\d{15}$/);
    expect(ticket.length).toBeLessThanOrEqual(10);
    expect(r.body.processosComComponentesDigitaisSolicitados).toEqual([
      { protocolo: '99990.000001/2026-01', hashes: pkg.components.map((c) => c.hash) },
    ]);
    expect(await situacao(estado)).toBe(1);
    // spec §5.3: a normal trâmite in 1 is nobody's pendência
    expect((await estado.pendentes()).body).toEqual([]);
    expect((await municipio.pendentes()).body).toEqual([]);
  });

  it('accepts the whole uploads (fields in the form and in the query) and moves to 2 after the last', async () => {
    const [first, ...rest] = pkg.components;
    expect((await estado.enviarComponente(ticket, { ...first!, protocolo: '99990.000001/2026-01' })).status).toBe(200);
    expect(await situacao(estado)).toBe(1);
    for (const [i, c] of rest.entries()) {
      const r = await estado.enviarComponente(ticket, { ...c, protocolo: '99990.000001/2026-01' }, i % 2 === 0);
      expect(r.status, r.text).toBe(200);
    }
    expect(await situacao(estado)).toBe(2);
  });

  it('issues a send receipt signed by the hub that openssl verifies', async () => {
    const r = await estado.reciboDeEnvio(idt);
    expect(r.status, r.text).toBe(200);
    const recibo = r.body.reciboDeEnvio;
    expect(recibo).toMatchObject({ IDT: idt, NRE: nre });
    expect(recibo.dataDeRecebimentoDoUltimoComponenteDigital).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect([...recibo.hashesDosComponentesDigitais].sort()).toEqual(pkg.components.map((c) => c.hash).sort());
    const signed =
      `<reciboDeEnvio><IDT>${idt}</IDT><NRE>${nre}</NRE><dataDeRecebimentoDoUltimoComponenteDigital>${recibo.dataDeRecebimentoDoUltimoComponenteDigital}</dataDeRecebimentoDoUltimoComponenteDigital>` +
      recibo.hashesDosComponentesDigitais.map((h: string) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`).join('') +
      '</reciboDeEnvio>';
    expect(opensslVerifies(r.body.cadeiaDoCertificado, signed, r.body.hashDaAssinatura)).toBe(true);
    expect(opensslVerifies(r.body.cadeiaDoCertificado, signed.replace('<IDT>', '<IDT>1'), r.body.hashDaAssinatura)).toBe(false);
  });

  it('lists the pendência for the receiver and relays the metadata byte for byte, moving to 3', async () => {
    expect((await municipio.pendentes()).body).toEqual([{ IDT: idt, status: 2 }]);
    const m = await municipio.metadados(idt);
    expect(m.status, m.text).toBe(200);
    expect(m.body).toMatchObject({ IDT: idt, nre, destinatario: { identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2002' } });
    // ARCHITECTURE "Byte stability": the processo text is exactly what the sender sent
    const sentProcesso = rawBody.slice(rawBody.indexOf('"processo": ') + '"processo": '.length, rawBody.lastIndexOf('}'));
    expect(m.text).toContain(sentProcesso.trimEnd());
    expect(m.body.propriedadesAdicionais).toEqual(pkg.body.cabecalho.propriedadesAdicionais);
    expect(await situacao(municipio)).toBe(3);
    // spec §2.16: calls in 3 succeed without change
    expect((await municipio.metadados(idt)).status).toBe(200);
    expect(await situacao(municipio)).toBe(3);
  });

  it('serves ranged downloads whose bytes and hashes equal what was sent, moving to 4 after the last', async () => {
    for (const c of pkg.components) {
      const block = 65_536;
      const parts: Uint8Array[] = [];
      for (let ini = 0; ini < c.bytes.length; ini += block) {
        const fim = Math.min(c.bytes.length, ini + block);
        const r = await municipio.baixarParte(idt, c.hash, '99990.000001/2026-01', ini, fim);
        expect(r.status, r.text).toBe(200);
        parts.push(r.bytes!);
      }
      const joined = Buffer.concat(parts);
      expect(joined.equals(Buffer.from(c.bytes))).toBe(true);
      expect(sha256b64(joined)).toBe(c.hash);
    }
    expect(await situacao(municipio)).toBe(4);
  });

  it('verifies the receiver-signed completion receipt (spec §7.1) and moves to 5, then 6 when the sender fetches it', async () => {
    const view = (await municipio.tramites({ IDT: idt })).body.tramites[0]!;
    const at4 = view.mudancasDeSituacao.find((m: { situacao: number }) => m.situacao === 4).dataHora;
    const dataDeRecebimento = receiptDate(new Date(at4));
    const hashes = view.hashDosComponentesPendentesDeRecebimento as string[];
    const hashDaAssinatura = await signCompletionReceipt(t.creds['sei-municipio']!.key, { idt, nre, dataDeRecebimento, hashes });
    const posted = await municipio.enviarRecibo(idt, { dataDeRecebimento, hashDaAssinatura });
    expect(posted.status, posted.text).toBe(200);
    expect(await situacao(municipio)).toBe(5);
    // spec §2.20: an identical repeat is accepted without change
    expect((await municipio.enviarRecibo(idt, { dataDeRecebimento, hashDaAssinatura })).status).toBe(200);
    expect((await estado.pendentes()).body).toEqual([{ IDT: idt, status: 5 }]);
    expect((await municipio.pendentes()).body).toEqual([]);

    const r = await estado.recibo(idt);
    expect(r.status, r.text).toBe(200);
    expect(r.body.recibo).toEqual({ IDT: idt, NRE: nre, dataDeRecebimento, hashesDosComponentesDigitais: [...hashes].sort() });
    expect(r.body.hashDaAssinatura).toBe(hashDaAssinatura);
    // a third party verifies the relayed receipt offline, with openssl
    const signed =
      `<recibo><IDT>${idt}</IDT><NRE>${nre}</NRE><dataDeRecebimento>${dataDeRecebimento}</dataDeRecebimento>` +
      r.body.recibo.hashesDosComponentesDigitais.map((h: string) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`).join('') +
      '</recibo>';
    expect(opensslVerifies(r.body.cadeiaDoCertificado, signed, r.body.hashDaAssinatura)).toBe(true);
    expect(await situacao(estado)).toBe(6);
    expect((await estado.recibo(idt)).body).toEqual(r.body); // calls in 6 return the same receipt
    expect((await estado.pendentes()).body).toEqual([]);
  });

  it('records the whole history, oldest first, visible to both parties', async () => {
    for (const client of [estado, municipio]) {
      const view = (await client.tramites({ NRE: nre })).body.tramites[0]!;
      expect(view.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(view.protocolo).toBe('99990.000001/2026-01');
    }
  });
});
