import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobDigests, CORPUS_DIR, loadCorpus, sendCase, type Placeholders, type Senders } from '../harness/bad-input-corpus.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/**
 * Speed-and-survival, item 4: every case of fixtures/bad-input/ against one real hub (HTTPS,
 * client certificates). Each gets its specific status, codigoErro and Portuguese message; after
 * each, the store's rows and the blob folder's bytes are exactly as before, and /healthz answers.
 *
 * With ELO_CORPUS_REGISTRAR=1 the runner writes what the hub answered into each file's
 * `esperado` instead of asserting it (to add cases; every recorded answer is then read and
 * judged before it is committed).
 */
const record = process.env.ELO_CORPUS_REGISTRAR === '1';

describe('the bad-input corpus against a real hub', () => {
  let t: TestHub;
  let senders: Senders;
  const p: Placeholders = {};
  const corpus = loadCorpus();

  beforeAll(async () => {
    // a generous per-system request budget: the corpus is one system's many refusals in a row
    t = await startTestHub({ env: { ELO_LONG_POLL_SECONDS: '1', ELO_MAX_REQUESTS_PER_SYSTEM: '10000' } });
    const estado = t.client('sei-estado');
    const municipio = t.client('sei-municipio');
    // A: started, nothing uploaded (situação 1): {IDT} {ticket} {hash} {protocolo}
    const a = processoBody({ protocolo: '88.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(5000, 5)] }] });
    const sa = await estado.iniciarProcesso(a.body);
    expect(sa.status, sa.text).toBe(200);
    Object.assign(p, { IDT: String(sa.body.IDT), ticket: String(sa.body.ticketParaEnvioDeComponentesDigitais), hash: a.components[0]!.hash, protocolo: '88.1/2026', NRE: String(sa.body.NRE) });
    // P: one part of 0-3000 of 5000 received: {ticketP} {hashP} {protocoloP}
    const pb = bytesOf(5000, 6);
    const pp = processoBody({ protocolo: '88.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [pb] }] });
    const sp = await estado.iniciarProcesso(pp.body);
    expect(sp.status, sp.text).toBe(200);
    Object.assign(p, { ticketP: String(sp.body.ticketParaEnvioDeComponentesDigitais), hashP: pp.components[0]!.hash, protocoloP: '88.2/2026' });
    const part = await estado.enviarParte(p.ticketP!, 0, 3000, { bytes: pb.slice(0, 3000), hash: p.hashP!, protocolo: '88.2/2026' });
    expect(part.status, part.text).toBe(200);
    // B: every component received, waiting for the recipient (situação 3): {IDTB} {hashB} {protocoloB} {NREB}
    const b = processoBody({ protocolo: '88.3/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(10, 7)] }] });
    const sb = await estado.iniciarProcesso(b.body);
    expect(sb.status, sb.text).toBe(200);
    const upB = await estado.enviarComponente(String(sb.body.ticketParaEnvioDeComponentesDigitais), { ...b.components[0]!, protocolo: '88.3/2026' });
    expect(upB.status, upB.text).toBe(200);
    Object.assign(p, { IDTB: String(sb.body.IDT), hashB: b.components[0]!.hash, protocoloB: '88.3/2026', NREB: String(sb.body.NRE) });
    // ...and the recipient read its metadata and downloaded it (situação 4), so that downloads,
    // receipts and refusals reach their own checks
    expect((await municipio.metadados(Number(p.IDTB))).status).toBe(200);
    expect((await municipio.baixarParte(Number(p.IDTB), p.hashB!, '88.3/2026', 0, 10)).status).toBe(200);
    // an invitation for the onboarding cases: {CONVITE}
    const adminToken = readFileSync(t.paths.adminToken, 'utf8').trim();
    const agents: Record<string, Agent> = {
      nenhum: new Agent({ connect: { ca: t.caPem } }),
      'sei-estado': new Agent({ connect: { ca: t.caPem, cert: t.creds['sei-estado']!.cert, key: t.creds['sei-estado']!.key } }),
      'sei-municipio': new Agent({ connect: { ca: t.caPem, cert: t.creds['sei-municipio']!.cert, key: t.creds['sei-municipio']!.key } }),
    };
    const conv = await fetch(`${t.hub.url}/admin/api/convites`, {
      method: 'POST',
      dispatcher: agents.nenhum,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ validadeDias: 7, nota: 'corpus' }),
    });
    expect(conv.status).toBe(201);
    p.CONVITE = String(((await conv.json()) as { codigo: string }).codigo);
    senders = { url: t.hub.url, agents, adminToken };
  });
  afterAll(async () => {
    for (const a of Object.values(senders?.agents ?? {})) await a.close();
    await t?.close();
  });

  for (const { file, caso } of corpus) {
    it(`${caso.nome}: ${caso.descricao} → ${caso.esperado.status} ${caso.esperado.codigoErro}, nothing stored, the hub still up`, async () => {
      const before = t.snapshot();
      const blobsBefore = blobDigests(t.paths.blobs);
      const r = await sendCase(caso, p, senders);
      const what = `${file}: ${r.status} ${r.text.slice(0, 400)}`;
      if (record) {
        // the specific part of the message: after the generic 0001 preamble, without volatile ids
        const specific = r.mensagem.includes('identificados:') ? r.mensagem.slice(r.mensagem.indexOf('identificados:') + 14) : r.mensagem;
        const phrase = specific.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?|\b(?:1000000\d{3}|100000\d|9000000000000\d{3})\b/g, '§').split(/[§\n]|(?: - )/).map((s) => s.trim()).sort((x, y) => y.length - x.length)[0] ?? '';
        writeFileSync(join(CORPUS_DIR, file), JSON.stringify({ ...caso, esperado: { status: r.status, codigoErro: r.codigoErro, mensagemContem: phrase } }, null, 2) + '\n');
      } else {
        expect(r.status, what).toBe(caso.esperado.status);
        expect(r.codigoErro, what).toBe(caso.esperado.codigoErro);
        expect(r.mensagem, what).toContain(caso.esperado.mensagemContem);
      }
      if (caso.caminho === '/api/v1/preflight' && r.status === 200) expect(r.text, what).toContain('"aceitaria":false');
      else expect(r.status, what).toBeGreaterThanOrEqual(400);
      expect(r.status, what).toBeLessThan(500);
      const after = t.snapshot();
      // a refused completion receipt leaves one event that alerts monitors (spec §2.20, §7.2), and nothing else
      const events = (rows: Record<string, unknown[]>) => (rows.audit_events ?? []) as { kind: string }[];
      expect(events(after.rows).slice(events(before.rows).length).map((e) => e.kind), what).toEqual(caso.eventosEsperados ?? []);
      expect({ ...after, rows: { ...after.rows, audit_events: events(before.rows), audit_chains: before.rows.audit_chains } }, what).toEqual(before);
      expect(blobDigests(t.paths.blobs), what).toEqual(blobsBefore);
      const health = await fetch(`${t.hub.url}/healthz`, { dispatcher: senders.agents.nenhum });
      expect(health.status, `${file}: /healthz after the case`).toBe(200);
      await health.text();
    });
  }
});
