import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from '../../src/pki/x509.ts';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { PRESENTED_CHAIN_LIMITS } from '../../src/pki/verify/index.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { spawnHub } from '../harness/spawn-hub.ts';
import { pingPongChain } from '../pki/test-pki.ts';

const MB = 1_048_576;
const DAY = 86_400_000;
/** Growth of the hub's resident memory tolerated across a whole flood. */
const RSS_BOUND = 50 * MB;
/** The client gives up after this long, so that a hub that does explore every path is not waited for. */
const CLIENT_PATIENCE_MS = 15_000;

const rss = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const pem = (c: X509Certificate): string => c.toString('pem') + '\n';

interface Answer {
  status: number;
  ms: number;
  body: { codigoErro?: string; mensagem?: string };
}

/**
 * Finding: a client presenting a made-up leaf and k copies of "N1 by N2" and of "N2 by N1" (two
 * keys, every link verifies) made the hub explore about k!² paths before answering: k = 7
 * (15 certificates) took 37 s and 1.1 GB; k = 8, 291 s and 4.2 GB. The hub runs as its own
 * process (`elo start`) so that its time and resident memory are its own.
 */
describe('a client certificate chain made to explode path building, against the hub as a separate process', () => {
  let dir = '';
  let child: ChildProcess;
  let url = '';
  let creds: Record<string, ClientCredentials>;
  const now = new Date();

  /** A client presenting `leaf` followed by the k-copies pool, with the leaf's made-up key. */
  async function attacker(k: number): Promise<Agent> {
    const { leaf, pool } = await pingPongChain(k, {
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 365 * DAY),
    });
    return new Agent({
      connect: {
        cert: pem(leaf.cert) + pool.map(pem).join(''),
        key: await privateKeyToPem(leaf.keys.privateKey),
        ca: creds['sei-estado']!.ca,
      },
    });
  }

  /** One Tramita request on its own connection, timed from the connection's start. */
  async function flood(agent: Agent): Promise<Answer> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/interoperabilidade/rest/v3/repositorios-de-estruturas`, {
        dispatcher: agent,
        headers: { accept: '*/*', 'content-type': 'application/json' },
        signal: AbortSignal.timeout(CLIENT_PATIENCE_MS),
      });
      const body = (await res.json()) as Answer['body'];
      return { status: res.status, ms: performance.now() - t0, body };
    } finally {
      await agent.destroy();
    }
  }

  /** What honest callers get meanwhile: a registered system's real certificate and /healthz. */
  async function honestCalls(): Promise<{ estado: number; health: number }> {
    const estado = createTramitaClient({ hubUrl: url, credentials: creds['sei-estado']! });
    const healthAgent = new Agent({ connect: { ca: creds['sei-estado']!.ca } });
    try {
      const [repos, health] = await Promise.all([
        estado.repositorios(),
        fetch(`${url}/healthz`, { dispatcher: healthAgent, signal: AbortSignal.timeout(CLIENT_PATIENCE_MS) }),
      ]);
      await health.text();
      return { estado: repos.status, health: health.status };
    } finally {
      await healthAgent.destroy();
    }
  }

  const expectRefused = (a: Answer, code: string) => {
    expect(a.status, JSON.stringify(a.body)).toBe(403);
    expect(a.body.codigoErro).toBe('9001');
    expect(a.body.mensagem).toContain("common name 'cliente-inventado'");
    expect(a.body.mensagem).toContain(`(código: ${code})`);
    expect(a.body.mensagem).toContain('as ACs intermediárias reais da sua cadeia');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-chain-flood-'));
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), now);
    creds = Object.fromEntries(seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
    const hub = await spawnHub(dir);
    child = hub.child;
    url = hub.url;
    // Warm up: the first requests load code and open the store; memory is measured after.
    expect(await honestCalls()).toEqual({ estado: 200, health: 200 });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // A hub still deep in a path search may not get round to its shutdown: do not wait for it.
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses 15 presented certificates (k = 7, no federation certificate) in under a second while honest callers are served, memory unchanged', async () => {
    const agent = await attacker(7);
    const before = rss(child.pid!);
    const [refused, honest] = await Promise.all([flood(agent), honestCalls()]);
    const after = rss(child.pid!);
    expectRefused(refused, 'chain_too_large');
    expect(refused.body.mensagem).toContain('O cliente apresentou 15 certificados');
    expect(refused.body.mensagem).toContain(`no máximo ${PRESENTED_CHAIN_LIMITS.certificates} certificados`);
    expect(refused.ms).toBeLessThan(1_000);
    expect(honest).toEqual({ estado: 200, health: 200 });
    expect(after - before).toBeLessThan(RSS_BOUND);
    console.log(`k=7: refused in ${refused.ms.toFixed(0)} ms, hub RSS ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MiB`);
  });

  it('refuses four concurrent connections of 9 certificates each (k = 4, within the count limit) by the path-building work limits within two seconds', async () => {
    const agents = await Promise.all(Array.from({ length: 4 }, () => attacker(4)));
    const before = rss(child.pid!);
    const [floods, honest] = await Promise.all([Promise.all(agents.map(flood)), honestCalls()]);
    const after = rss(child.pid!);
    for (const refused of floods) {
      expectRefused(refused, 'chain_too_complex');
      expect(refused.body.mensagem).toContain('foi interrompida após examinar');
      // Each bounded search costs the hub some 50 ms; four of them, four handshakes and the
      // client share two cores with whatever else the machine runs.
      expect(refused.ms).toBeLessThan(2_000);
    }
    expect(honest).toEqual({ estado: 200, health: 200 });
    expect(after - before).toBeLessThan(RSS_BOUND);
    console.log(`k=4 ×4: slowest refused in ${Math.max(...floods.map((f) => f.ms)).toFixed(0)} ms, hub RSS ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MiB`);
  });

  it('refuses six concurrent connections of 17 certificates each (k = 8) while honest callers are served, memory unchanged', async () => {
    const agents = await Promise.all(Array.from({ length: 6 }, () => attacker(8)));
    const before = rss(child.pid!);
    const [floods, honest] = await Promise.all([
      Promise.all(agents.map(flood)),
      honestCalls(),
    ]);
    const after = rss(child.pid!);
    for (const refused of floods) {
      expectRefused(refused, 'chain_too_large');
      expect(refused.body.mensagem).toContain('O cliente apresentou 17 certificados');
      expect(refused.ms).toBeLessThan(1_000);
    }
    expect(honest).toEqual({ estado: 200, health: 200 });
    expect(after - before).toBeLessThan(RSS_BOUND);
    // And the hub is still answering afterwards.
    expect(await honestCalls()).toEqual({ estado: 200, health: 200 });
    console.log(`k=8 ×6: slowest refused in ${Math.max(...floods.map((f) => f.ms)).toFixed(0)} ms, hub RSS ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MiB`);
  });
});
