import { execFile, execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';

const run = promisify(execFile);
const elo = resolve(import.meta.dirname, '../../bin/elo.js');

/** Trust §4–§5: `elo ca` issues, revokes and publishes a CRL; a revoked system is refused at once. */
describe('elo ca: issue, revoke, CRL, over a running hub', () => {
  let t: TestHub;
  const cli = async (...args: string[]) => {
    const r = await run(process.execPath, [elo, ...args, '--json'], { env: { ...process.env, ...t.env } });
    return JSON.parse(r.stdout);
  };
  let issued: { fingerprint256: string; serial: string; files: Record<string, string>; password: string };
  let clientCreds: { cert: string; key: string; ca: string };

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('serves an empty CRL, signed by the federation CA, from a fresh install, without writing one its own trust would read', async () => {
    const res = await fetch(`${t.hub.url}/pki/federacao-ac.crl`, { dispatcher: new Agent({ connect: { ca: t.caPem } }) });
    expect(res.status).toBe(200);
    const crlFile = join(t.dir, 'vazia.crl');
    writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const caFile = join(t.dir, 'ac-vazia.pem');
    writeFileSync(caFile, t.caPem);
    // openssl checks the CRL's signature against the CA and finds no revoked certificate in it
    const text = execFileSync('openssl', ['crl', '-in', crlFile, '-CAfile', caFile, '-noout', '-text'], { stdio: 'pipe' }).toString();
    expect(text).toContain('No Revoked Certificates');
    // nothing in pki/: an unrefreshed CRL there would expire and make the hub refuse its clients
    expect(existsSync(join(t.env.ELO_DATA_DIR!, 'pki/federacao-ac.crl'))).toBe(false);
    // no intermediate CA yet: nothing to serve for it
    expect((await fetch(`${t.hub.url}/pki/federacao-ac-intermediaria.crl`, { dispatcher: new Agent({ connect: { ca: t.caPem } }) })).status).toBe(404);
  });

  it('issues the single PEM the PEN module reads, whose key opens only with the printed password', async () => {
    issued = await cli('ca', 'issue', '--sistema', 'sei-estado', '--sei', '--saida', join(t.dir, 'emitidos'));
    // only what the SEI needs: the key exists only encrypted, the password only in the output
    expect(Object.keys(issued.files).sort()).toEqual(['certificado', 'sei']);
    expect(readdirSync(join(t.dir, 'emitidos')).sort()).toEqual([basename(issued.files.certificado!), basename(issued.files.sei!)].sort());
    const pem = readFileSync(issued.files.sei!, 'utf8');
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    expect(pem).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(pem).not.toContain('-----BEGIN PRIVATE KEY-----');
    // real openssl opens the key with the password, and refuses a wrong one
    execFileSync('openssl', ['pkey', '-in', issued.files.sei!, '-passin', `pass:${issued.password}`, '-noout'], { stdio: 'pipe' });
    expect(() => execFileSync('openssl', ['pkey', '-in', issued.files.sei!, '-passin', 'pass:errada', '-noout'], { stdio: 'pipe' })).toThrow();
    const key = createPrivateKey({ key: pem, passphrase: issued.password }).export({ type: 'pkcs8', format: 'pem' }) as string;
    clientCreds = { cert: pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25), key, ca: t.caPem };
  });

  it('lets a system hold several active certificates (rotation with overlap)', async () => {
    const fresh = t.client('sei-estado-novo', clientCreds);
    expect((await fresh.repositorios()).status).toBe(200);
    expect((await t.client('sei-estado').repositorios()).status).toBe(200);
    const list = await cli('cert', 'list', '--sistema', 'sei-estado');
    expect(list).toHaveLength(2);
    expect(list.every((c: { situacao: string; diasParaExpirar: number }) => c.situacao === 'ativo' && c.diasParaExpirar > 800)).toBe(true);
  });

  it('refuses a revoked certificate at the next request, with the reason, while the other keeps working', async () => {
    const fresh = t.client('sei-estado-revogado', clientCreds);
    expect((await fresh.repositorios()).status).toBe(200);
    const r = await cli('ca', 'revoke', '--fingerprint', issued.fingerprint256);
    expect(r.revogado.status).toBe('revoked');
    const refused = await fresh.repositorios();
    expect(refused.status).toBe(403);
    expect((refused.body as unknown as { codigoErro: string; mensagem: string }).codigoErro).toBe('9001');
    expect((refused.body as unknown as { mensagem: string }).mensagem).toMatch(/revogado/);
    expect((await t.client('sei-estado').repositorios()).status).toBe(200);
  });

  it('serves the CRL at a stable path, and openssl finds the revoked certificate in it', async () => {
    const res = await fetch(`${t.hub.url}/pki/federacao-ac.crl`, { dispatcher: new Agent({ connect: { ca: t.caPem } }) });
    expect(res.status).toBe(200);
    const crlFile = join(t.dir, 'baixada.crl');
    writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text']).toString();
    expect(text.toUpperCase().replace(/:/g, '')).toContain(issued.serial.toUpperCase().replace(/^0+/, ''));
    const certFile = join(t.dir, 'revogado.pem');
    writeFileSync(certFile, clientCreds.cert);
    const caFile = join(t.dir, 'ac.pem');
    writeFileSync(caFile, t.caPem);
    let verdict = '';
    try {
      verdict = execFileSync('openssl', ['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', caFile, certFile], { stdio: 'pipe' }).toString();
    } catch (e) {
      verdict = String((e as { stdout: Buffer }).stdout) + String((e as { stderr: Buffer }).stderr);
    }
    expect(verdict).toMatch(/certificate revoked/);
  });

  it('issues from an intermediate CA once created, and the hub completes the chain itself', async () => {
    const init = await cli('ca', 'init', '--intermediaria');
    expect(init.emissora).toContain('Intermediária');
    const viaIntermediate = await cli('ca', 'issue', '--sistema', 'sei-municipio', '--saida', join(t.dir, 'emitidos2'));
    const certPem = readFileSync(viaIntermediate.files.certificado, 'utf8');
    const leafOnly = certPem.slice(0, certPem.indexOf('-----END CERTIFICATE-----') + 25);
    const client = t.client('sei-municipio-intermediaria', { cert: leafOnly, key: readFileSync(viaIntermediate.files.chave, 'utf8'), ca: t.caPem });
    expect((await client.repositorios()).status).toBe(200);
  });

  it('issues from a CSR, keeping the key with the system, and refuses a CSR whose signature is broken', async () => {
    const csr = join(t.dir, 'sistema.csr');
    const key = join(t.dir, 'sistema.key');
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=qualquer'], { stdio: 'pipe' });
    const r = await cli('ca', 'issue', '--sistema', 'sei-municipio', '--csr', csr, '--saida', join(t.dir, 'csr'));
    expect(r.files.chave).toBeUndefined();
    const certPem = readFileSync(r.files.certificado, 'utf8');
    const client = t.client('sei-municipio-csr', { cert: certPem, key: readFileSync(key, 'utf8'), ca: t.caPem });
    expect((await client.repositorios()).status).toBe(200);
    // the subject comes from the registry, not from the CSR
    expect(execFileSync('openssl', ['x509', '-in', r.files.certificado, '-noout', '-subject']).toString()).toContain('CN = sei-municipio');

    const der = Buffer.from(readFileSync(csr, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5]! ^= 0xff; // inside the signature value
    const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    writeFileSync(join(t.dir, 'quebrada.csr'), broken);
    await expect(cli('ca', 'issue', '--sistema', 'sei-municipio', '--csr', join(t.dir, 'quebrada.csr'))).rejects.toMatchObject({ code: 1 });
  });

  it('refuses to issue for a system that is not registered', async () => {
    const err = await cli('ca', 'issue', '--sistema', 'sei-inexistente').catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain('não está registrado');
  });

  it('rotates the hub certificates, archiving the old ones, and the new TLS certificate chains to the CA', async () => {
    const before = readFileSync(t.paths.tlsCert, 'utf8');
    const r = await cli('ca', 'rotate-hub');
    expect(r.certificados).toEqual([t.paths.tlsCert, t.paths.signingCert]);
    const after = readFileSync(t.paths.tlsCert, 'utf8');
    expect(after).not.toBe(before);
    const archived = (await import('node:fs')).readdirSync(join(t.paths.pki, 'arquivo'));
    expect(archived.filter((f) => f.endsWith('hub-tls.pem'))).toHaveLength(1);
    const caFile = join(t.dir, 'ac-raiz.pem');
    writeFileSync(caFile, t.caPem);
    const chainFile = join(t.dir, 'tls.pem');
    writeFileSync(chainFile, after);
    execFileSync('openssl', ['verify', '-CAfile', caFile, '-untrusted', chainFile, '-purpose', 'sslserver', chainFile], { stdio: 'pipe' });
  });

  it('raises one certificado.expirando event for a certificate inside the warning window', async () => {
    await cli('ca', 'issue', '--sistema', 'sei-municipio', '--dias', '10', '--saida', join(t.dir, 'curto'));
    const services = t.hub.services;
    expect(await services.certificates.expiryScan()).toBe(1);
    expect(await services.certificates.expiryScan()).toBe(0);
    const events = (await t.hub.store.audit.list()).filter((e) => e.kind === 'certificado.expirando');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ sistema: 'sei-municipio', dias: expect.any(Number) });
  });

  it('writes the open key and the password file beside the SEI PEM only when asked to', async () => {
    const asked = await cli('ca', 'issue', '--sistema', 'sei-estado', '--sei', '--gravar-chave', '--gravar-senha', '--saida', join(t.dir, 'emitidos-tudo'));
    expect(Object.keys(asked.files).sort()).toEqual(['certificado', 'chave', 'sei', 'senha']);
    expect(readFileSync(asked.files.senha!, 'utf8').trim()).toBe(asked.password);
    expect(readFileSync(asked.files.chave!, 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
    await cli('ca', 'revoke', '--fingerprint', asked.fingerprint256);
  });
});
