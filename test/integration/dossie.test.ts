import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientCredentials, TramitaClient } from '../../src/client/tramita-client.ts';
import { generateRsaKeys, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { fromBase64 } from '../../src/pki/encoding.ts';
import { loadIssuer } from '../../src/runtime/bootstrap.ts';
import { caAdmin } from '../../src/runtime/ca-admin.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { readDossieXml } from '../../src/xml/dossie.ts';
import { inProcessCli } from '../harness/cli.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';
import { xmlsec1, xmlsec1Verified } from '../xml/xmlsec1.ts';

const elo = resolve(import.meta.dirname, '../../bin/elo.js');

/**
 * Issue 11 items 2, 4 and 5 over the real test hub (HTTPS, client certificates): the hub seals a
 * trâmite as soon as its components are complete; the dossiê is served to the sender, the
 * recipient, an admin and a monitor, refused like a missing IDT to any other system; and it is
 * verified by `elo verify` — also run as its own process with no network and no data folder —
 * and by xmlsec1 with only the federation CA.
 */
describe('hub seal and dossiê on a real hub', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  let third: TramitaClient;
  let agent: Agent;
  let work: string;
  const tokens: Record<'admin' | 'monitor' | 'participante', string> = { admin: '', monitor: '', participante: '' };
  const pkg = processoBody({ protocolo: '77.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1, 2, 3])] }, { bytes: [new Uint8Array([4, 5])] }] });
  let idt = 0;
  let dossie = '';

  beforeAll(async () => {
    t = await startTestHub();
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
    work = mkdtempSync(join(tmpdir(), 'elo-dossie-'));
    const now = new Date();
    await t.hub.store.registry.applySeed(
      {
        participantes: [{ id: 'municipio-terceiro', cnpj: '11111111000272', nome: 'Prefeitura Terceira', esfera: 'municipal', ativo: true }],
        repositorios: [],
        estruturas: [],
        sistemas: [{ id: 'sei-terceiro', nome: 'Terceiro', participante: 'municipio-terceiro', ativo: true, estruturas: [{ repositorio: 200, numero: '2003', subarvore: false }] }],
      },
      now.toISOString(),
    );
    const keys = await generateRsaKeys();
    const cert = await issueLeaf({ issuer: await loadIssuer(t.config), subject: 'CN=sei-terceiro', publicKey: keys.publicKey, purpose: 'client', at: now });
    await registerCertificate(t.hub.store, 'sei-terceiro', cert, now);
    third = t.client('third', { cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey), ca: t.caPem } as ClientCredentials);
    agent = new Agent({ connect: { ca: t.caPem } });
    // a certificate revoked (of nobody in the trâmite), so the federation CA publishes its CRL
    // and the dossiê carries it (a CA that never revoked anything publishes none)
    const spareKeys = await generateRsaKeys();
    const spare = await issueLeaf({ issuer: await loadIssuer(t.config), subject: 'CN=sei-terceiro', publicKey: spareKeys.publicKey, purpose: 'client', at: now });
    const spareRec = await registerCertificate(t.hub.store, 'sei-terceiro', spare, now);
    await caAdmin(t.config, t.hub.store).revoke({ fingerprint256: spareRec.fingerprint256 }, now);
    for (const role of ['admin', 'monitor'] as const) tokens[role] = (await t.hub.services.tokens.create({ role }, 'teste')).token;
    tokens.participante = (await t.hub.services.tokens.create({ role: 'participante', participante: '00000000000191' }, 'teste')).token;
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const getDossie = (c: TramitaClient, id = idt) => c.call('GET', `../../../api/v1/tramites/${id}/dossie`);
  const withToken = async (token: string, id = idt) => {
    const res = await fetch(`${t.hub.url}/api/v1/tramites/${id}/dossie`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('seals the trâmite when its last component arrives, before the upload is answered', async () => {
    const started = await estado.iniciarProcesso(pkg.body);
    expect(started.status, started.text).toBe(200);
    idt = started.body.IDT as number;
    const ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    await estado.enviarComponente(ticket, { ...pkg.components[0]!, protocolo: '77.1/2026' });
    expect(await t.hub.store.seals.get(idt)).toBeNull(); // one component still missing
    expect((await getDossie(estado)).status).toBe(409);
    const up = await estado.enviarComponente(ticket, { ...pkg.components[1]!, protocolo: '77.1/2026' });
    expect(up.status, up.text).toBe(200);
    const seal = await t.hub.store.seals.get(idt);
    expect(seal).not.toBeNull();
    const bytes = await t.hub.blobs.readAll(seal!.blobKey);
    const v = await verifyEnveloped(new TextDecoder().decode(bytes), { keyInfoLeaf: true });
    expect(v.ok).toBe(true);
    expect(v.ok && v.value.signedXml).toContain(`<IDT>${idt}</IDT>`);
  });

  it('serves the dossiê to the sender and the recipient once the trâmite is concluded, signed by the hub', async () => {
    // the rest of the exchange, as two SEIs do it, on a second trâmite of its own
    const second = processoBody({ protocolo: '77.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([9, 9])] }] });
    const done = await completeTramite(estado, municipio, t.creds['sei-municipio']!.key, second.body, second.components);
    idt = done.idt;
    const fromSender = await getDossie(estado);
    expect(fromSender.status, fromSender.text.slice(0, 300)).toBe(200);
    expect(fromSender.headers.get('content-type')).toContain('application/xml');
    const fromReceiver = await getDossie(municipio);
    expect(fromReceiver.status).toBe(200);
    dossie = fromSender.text;
    const v = await verifyEnveloped(dossie, { keyInfoLeaf: true });
    if (!v.ok) throw new Error(v.error.message);
    const d = readDossieXml(v.value.signedXml);
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.IDT).toBe(idt);
    expect(d.value.historico.map((h) => h.situacao)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.value.reciboDeEnvio?.stringAssinada).toMatch(/^<reciboDeEnvio>/);
    expect(d.value.reciboDeConclusao?.stringAssinada).toMatch(/^<recibo>/);
    expect(d.value.lcrs.length).toBeGreaterThan(0);
    const sealed = new TextDecoder().decode(fromBase64(d.value.pacoteSelado)!);
    expect(sealed).toBe(new TextDecoder().decode(await t.hub.blobs.readAll((await t.hub.store.seals.get(idt))!.blobKey)));
  });

  it('serves the dossiê to admin and monitor tokens, and refuses a participant token', async () => {
    for (const role of ['admin', 'monitor'] as const) {
      const r = await withToken(tokens[role]);
      expect(r.status, r.text.slice(0, 300)).toBe(200);
      expect(r.text).toContain('<dossie xmlns="urn:elo:dossie:1">');
    }
    const before = t.snapshot();
    const p = await withToken(tokens.participante);
    expect(p.status).toBe(403);
    expect((await withToken('não-é-um-token')).status).toBe(401);
    expect(t.snapshot()).toEqual(before);
  });

  it('answers a third system exactly as for a missing IDT (404, 9003), changing nothing', async () => {
    const before = t.snapshot();
    const r = await getDossie(third);
    expect(r.status).toBe(404);
    expect((r.body as { codigoErro: string }).codigoErro).toBe('9003');
    const missing = await getDossie(third, idt + 1000);
    expect(missing.status).toBe(404);
    expect((missing.body as { codigoErro: string }).codigoErro).toBe('9003');
    expect(t.snapshot()).toEqual(before);
  });

  it('is verified by elo verify and by xmlsec1 with only the federation CA', async () => {
    const file = join(work, 'dossie.xml');
    writeFileSync(file, dossie);
    writeFileSync(join(work, 'ac.pem'), t.caPem);
    const cli = inProcessCli(() => ({}), () => work);
    const r = await cli('verify', 'dossie.xml', '--trust', 'ac.pem');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('Resultado: tudo confere.');
    // the audit checkpoint covering the trâmite, signed for it if the hourly one had not yet
    expect(dossie).toContain('<pontoDeControle>');
    expect(r.out).toMatch(/cadeia de auditoria "[^"]+" até o evento nº \d+ \(o último do trâmite é o nº \d+\)/);
    const x = xmlsec1(['--verify', '--trusted-pem', join(work, 'ac.pem'), file]);
    expect(xmlsec1Verified(x), x.output).toBe(true);

    const json = await cli('verify', 'dossie.xml', '--trust', 'ac.pem', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ tipo: 'dossie', ok: true, primeiraFalha: null });

    writeFileSync(join(work, 'alterado.xml'), dossie.replace(/<em>(\d{4})/, (_m, y: string) => `<em>${Number(y) - 1}`));
    const bad = await cli('verify', 'alterado.xml', '--trust', 'ac.pem');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('Primeira falha em "histórico"');

    expect((await cli('verify', 'dossie.xml')).code).toBe(2);
    expect((await cli('verify', '--trust', 'ac.pem')).code).toBe(2);
    expect((await cli('verify', 'nada.xml', '--trust', 'ac.pem')).code).toBe(2);
  });

  it('runs elo verify as its own process with no network, no HOME and no data folder, and creates none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-offline-'));
    try {
      writeFileSync(join(dir, 'dossie.xml'), dossie);
      writeFileSync(join(dir, 'ac.pem'), t.caPem);
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(dir, 'casa-inexistente'),
        ELO_DATA_DIR: join(dir, 'dados-inexistentes'),
        // a proxy that does not exist: any attempt to reach the network fails loudly
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      };
      // no network namespace interface at all where unprivileged namespaces exist (Debian, CI)
      const isolated = spawnSync('unshare', ['-rn', 'true']).status === 0;
      const argv = [...(isolated ? ['unshare', '-rn'] : []), process.execPath, elo, 'verify', 'dossie.xml', '--trust', 'ac.pem'];
      const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('Resultado: tudo confere.');
      expect(readdirSync(dir).sort()).toEqual(['ac.pem', 'dossie.xml']);
      expect(existsSync(env.ELO_DATA_DIR)).toBe(false);
      expect(existsSync(env.HOME)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the sweep seal a complete trâmite left unsealed, once', async () => {
    const sql = (t.hub.store as unknown as { db?: { prepare(s: string): { run(...a: unknown[]): unknown } } }).db;
    const seal = (await t.hub.store.seals.get(idt))!;
    if (sql) sql.prepare('DELETE FROM tramite_seals WHERE idt = ?').run(idt);
    else await (t.hub.store as unknown as { pool: { query(s: string, p: unknown[]): Promise<unknown> } }).pool.query('DELETE FROM tramite_seals WHERE idt = $1', [idt]);
    expect(await t.hub.store.seals.get(idt)).toBeNull();
    expect(await t.hub.store.seals.unsealed(10)).toEqual([idt]);
    await t.hub.sweep();
    const again = await t.hub.store.seals.get(idt);
    // the same package gives the same seal, byte for byte (RSA PKCS#1 v1.5 is deterministic)
    expect(again).toMatchObject({ idt, blobKey: seal.blobKey, sha256: seal.sha256 });
    await t.hub.sweep();
    expect(await t.hub.store.seals.unsealed(10)).toEqual([]);
  });
});
