import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const elo = resolve(root, 'bin/elo.js');
const run = promisify(execFile);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'elo-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function elo_(args: string[], env: Record<string, string>, cwd = root) {
  try {
    const r = await run(process.execPath, [elo, ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('elo seed demo', () => {
  it('initialises the data folder, issues a certificate per system and prints them as JSON; a second run changes nothing', async () => {
    const data = tempDir();
    const first = await elo_(['seed', 'demo', '--json'], { ELO_DATA_DIR: data });
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.sistemas.map((s: { id: string }) => s.id)).toEqual(['sei-estado', 'sei-municipio', 'sei-uniao', 'protocolo-tribunal']);
    for (const s of report.sistemas) {
      expect(existsSync(s.certificado) && existsSync(s.chave) && existsSync(s.ac)).toBe(true);
      expect(s.estruturas[0]).toHaveProperty('identificacaoDoRepositorioDeEstruturas');
    }
    expect(report.alterados).toBeGreaterThan(0);
    const second = JSON.parse((await elo_(['seed', 'demo', '--json'], { ELO_DATA_DIR: data })).stdout);
    expect(second.alterados).toBe(0);
    expect(second.sistemas.map((s: { fingerprint256: string }) => s.fingerprint256)).toEqual(
      report.sistemas.map((s: { fingerprint256: string }) => s.fingerprint256),
    );
  });

  it('prints a Portuguese summary without --json', async () => {
    const r = await elo_(['seed', 'demo'], { ELO_DATA_DIR: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Federação de demonstração carregada');
    expect(r.stdout).toContain('sei-municipio');
  });
});

describe('elo start configuration', () => {
  it('stops with a message naming the field when ELO_PORT is not a number', async () => {
    const r = await elo_(['start'], { ELO_DATA_DIR: tempDir(), ELO_PORT: 'oito' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('campo "port"');
    expect(r.stderr).toContain('ELO_PORT');
  });

  it('stops with a message naming an unknown field of elo.config.json', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'elo.config.json'), JSON.stringify({ prot: 1 }));
    const r = await elo_(['start'], { ELO_DATA_DIR: join(cwd, 'd') }, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/campo "prot".*campo desconhecido/);
  });

  it('lists the commands on --help and refuses an unknown one with exit 2', async () => {
    expect((await elo_(['--help'], {})).stdout).toContain('seed demo');
    expect((await elo_(['voar'], {})).code).toBe(2);
  });
});

describe('npm start', () => {
  it('brings the hub up on HTTPS with the embedded default and answers health checks', async () => {
    const data = tempDir();
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: { ...process.env, ELO_DATA_DIR: data, ELO_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: npm runs the hub as a grandchild, which must stop with it
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no ready line: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /Elo pronto em \d+ ms: (https:\/\/\S+)/.exec(out);
        if (m && out.includes('npx elo seed demo')) {
          clearTimeout(timer);
          res(m[1]!);
        }
      });
    });
    try {
      expect(out).toContain('Token de administrador');
      const ca = readFileSync(join(data, 'pki/federacao-ac.pem'), 'utf8');
      const agent = new Agent({ connect: { ca } });
      const health = await fetch(`${url}/interoperabilidade/rest/v3//healthcheck`, { dispatcher: agent });
      expect(health.status).toBe(200);
      const noCert = await fetch(`${url}/interoperabilidade/rest/v3/repositorios-de-estruturas`, { dispatcher: agent });
      expect(noCert.status).toBe(401);
      await agent.close();
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    // the hub itself stopped too (SIGTERM closes it), not only npm
    const gone = new Agent({ connect: { rejectUnauthorized: false } });
    let stopped = false;
    for (let i = 0; i < 100 && !stopped; i++) {
      stopped = await fetch(`${url}/healthz`, { dispatcher: gone }).then(() => false, () => true);
      if (!stopped) await new Promise((r) => setTimeout(r, 50));
    }
    await gone.close();
    expect(stopped).toBe(true);
  });
});

describe('elo start and the hub own certificates', () => {
  it('refuses to start with an expired TLS certificate, says what to do, and starts again after rotate-hub', async () => {
    const data = tempDir();
    expect((await elo_(['seed', 'demo'], { ELO_DATA_DIR: data })).code).toBe(0);
    const { loadConfig } = await import('../../src/runtime/config.ts');
    const { loadIssuer } = await import('../../src/runtime/bootstrap.ts');
    const { generateRsaKeys, issueLeaf, privateKeyToPem } = await import('../../src/pki/ca/issue.ts');
    const issuer = await loadIssuer(loadConfig({ ELO_DATA_DIR: data }, data));
    const keys = await generateRsaKeys();
    const old = await issueLeaf({ issuer, subject: 'CN=localhost', publicKey: keys.publicKey, purpose: 'server', at: new Date(Date.now() - 900 * 86_400_000), days: 30, dnsNames: ['localhost'] });
    writeFileSync(join(data, 'pki/hub-tls.pem'), old.toString('pem') + '\n' + issuer.certificate.toString('pem'));
    writeFileSync(join(data, 'pki/hub-tls.key.pem'), await privateKeyToPem(keys.privateKey));
    const refused = await elo_(['start'], { ELO_DATA_DIR: data, ELO_PORT: '0' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('certificado TLS do hub');
    expect(refused.stderr).toContain('expirou');
    expect(refused.stderr).toContain('elo ca rotate-hub');
    expect((await elo_(['ca', 'rotate-hub'], { ELO_DATA_DIR: data })).code).toBe(0);
    const { spawnHub } = await import('../harness/spawn-hub.ts');
    const hub = await spawnHub(data);
    await hub.stop();
  });
});

describe('elo start tells a newcomer what is wrong', () => {
  /** `elo start` in its own process until `until` shows in what it printed; then stopped. */
  async function startUntil(env: Record<string, string>, until: RegExp): Promise<{ out: string; code: number | null }> {
    const child = spawn(process.execPath, [elo, 'start'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`did not print ${until}: ${out}`)), 30_000);
      const seen = (d: Buffer) => {
        out += d;
        if (until.test(out)) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      void exited.then(() => {
        clearTimeout(timer);
        res();
      });
    });
    child.kill('SIGTERM');
    return { out, code: await exited };
  }

  it('shows the TLS certificate’s names, warns when ELO_HOSTNAMES names one it lacks, and gives the seed hint only to an empty hub', async () => {
    const data = tempDir();
    const fresh = await startUntil({ ELO_DATA_DIR: data, ELO_PORT: '0' }, /npx elo seed demo/);
    expect(fresh.out).toMatch(/Certificado TLS: +\S+ \(nomes: localhost, 127\.0\.0\.1, ::1\)/);
    expect(fresh.out).toMatch(/Ambiente: +homologação \(ELO_AMBIENTE/);
    expect(fresh.out).not.toContain('Aviso:');
    expect((await elo_(['seed', 'demo'], { ELO_DATA_DIR: data })).code).toBe(0);
    const renamed = await startUntil({ ELO_DATA_DIR: data, ELO_PORT: '0', ELO_HOSTNAMES: 'localhost,elo.exemplo.gov.br' }, /rotate-hub/);
    expect(renamed.out).toContain('Aviso: o certificado TLS do hub não tem o nome elo.exemplo.gov.br de ELO_HOSTNAMES');
    expect(renamed.out).toContain('npx elo ca rotate-hub');
    expect(renamed.out).not.toContain('npx elo seed demo');
  });

  it('names the port when it is in use', async () => {
    const server = (await import('node:net')).createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await startUntil({ ELO_DATA_DIR: tempDir(), ELO_PORT: String(port) }, /já está em uso/);
      expect(r.out).toContain(`A porta ${port} (127.0.0.1) já está em uso`);
      expect(r.out).toContain('ELO_PORT');
    } finally {
      server.close();
    }
  });
});
