import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { startNodeHub } from '../../src/runtime/hub.ts';

/**
 * `elo demo --once` (npm run demo -- --once) on a fresh data folder: the hub it starts, the three
 * simulated instances and the four steps of the story, with a small "large" file here (the default
 * size runs in the reliability tier, test/reliability/demo.test.ts).
 */
describe('elo demo --once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elo-demo-teste-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const demo = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['demo', '--once', ...args], { out: (x) => out.push(x), err: (x) => err.push(x), env: { ELO_DATA_DIR: dir, ELO_PORT: '0', ELO_LOG_LEVEL: 'error' }, cwd: dir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('plays the story on a fresh folder and ends each trâmite where the story says (6, 6, 6, 9)', async () => {
    const r = await demo('--arquivo-grande', '6', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { passos } = JSON.parse(r.out);
    expect(passos.map((p: { situacao: number }) => p.situacao)).toEqual([6, 6, 6, 9]);
    // the state answers in the municipality's process: same NRE, and by envio parcial only the new document travels
    expect(passos[1].NRE).toBe(passos[0].NRE);
    expect(passos.map((p: { arquivosEnviados: number; arquivosRecebidos: number }) => [p.arquivosEnviados, p.arquivosRecebidos])).toEqual([[2, 2], [1, 1], [2, 2], [1, 0]]);
    expect(passos[3].justificativaDaRecusa).toContain('Termo (código 136) não mapeada');
    for (const p of passos.slice(0, 3)) expect(p.impressaoDoReciboDeConclusao).toMatch(/^[0-9a-f]{8}(:[0-9a-f]{8}){3}$/);
  });

  it('plays it again on the same hub, says each step in Portuguese and the final situações', async () => {
    const r = await demo('--arquivo-grande', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1. A Prefeitura de Exemplópolis envia ao Estado o processo');
    expect(r.out).toMatch(/recibo de envio, assinado pelo hub: [0-9a-f:]{35}/);
    expect(r.out).toContain('4. IDT 1000000008');
    expect(r.out).toContain('9 — Ciência da recusa dada pelo remetente');
  });

  it('uses the hub already running with this data folder (an npm start in another terminal) and leaves it running', async () => {
    const own = mkdtempSync(join(tmpdir(), 'elo-demo-no-ar-'));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = String((probe.address() as { port: number }).port);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const env = { ELO_DATA_DIR: own, ELO_PORT: port, ELO_LOG_LEVEL: 'error' };
    const hub = await startNodeHub(loadConfig(env, own));
    try {
      const out: string[] = [];
      const code = await main(['demo', '--once', '--arquivo-grande', '1'], { out: (x) => out.push(x), err: (x) => out.push(x), env, cwd: own });
      expect(code, out.join('\n')).toBe(0);
      expect(out[0]).toBe(`Usando o hub que já está no ar em https://127.0.0.1:${port}.`);
      // the running hub served the story, and still does
      expect((await hub.services.systems.list()).map((x) => x.id)).toContain('sei-uniao');
      expect((await fetch(`${hub.url}/healthz`, { dispatcher: new Agent({ connect: { rejectUnauthorized: false } }) })).status).toBe(200);
    } finally {
      await hub.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('says which port is taken when something that is not its hub listens there', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['demo', '--once'], { out: (x) => out.push(x), err: (x) => err.push(x), env: { ELO_DATA_DIR: dir, ELO_PORT: String(port), ELO_LOG_LEVEL: 'error' }, cwd: dir });
      expect(code).toBe(1);
      expect(err.join('\n')).toContain(`A porta ${port} (127.0.0.1) já está em uso por outro processo`);
    } finally {
      server.close();
    }
  });

  it('refuses a size it cannot use, saying which', async () => {
    expect(await demo('--arquivo-grande', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--arquivo-grande deve ser um número inteiro de MiB entre 1 e 4096') });
  });
});
