import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock, ManualTimers } from '../../src/domain/clock.ts';
import { openConfiguredStore } from '../../src/runtime/data-dir-access.ts';
import { AUDIT_CHECKPOINT_INTERVAL_MS } from '../../src/runtime/hub.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * The tamper-evident audit log on a real hub (issue 11 §7): checkpoints signed by the hub's key
 * on the hourly timer and at shutdown, and `elo audit verify` on the hub's data folder (and
 * PostgreSQL database) checking them against the federation CA of the folder.
 */

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Raw SQL on the hub's database, as someone with access to the database file or server would run it. */
async function tamper(hub: TestHub, text: string, params: unknown[] = []): Promise<void> {
  if (hub.config.databaseUrl) {
    const c = new pg.Client({ connectionString: hub.config.databaseUrl });
    await c.connect();
    let n = 0;
    await c.query(text.replace(/\?/g, () => `$${++n}`), params).finally(() => c.end());
  } else {
    const db = new Database(hub.paths.database);
    try {
      db.prepare(text).run(...params);
    } finally {
      db.close();
    }
  }
}

describe('audit checkpoints of a running hub', () => {
  it('signs a checkpoint of the chain on the hourly timer, and none when nothing changed', async () => {
    // the hub's certificates are issued now: its clock starts now too
    const start = new Date(Math.floor(Date.now() / 1000) * 1000);
    const clock = new FixedClock(start);
    const hour = (n: number) => new Date(start.getTime() + n * AUDIT_CHECKPOINT_INTERVAL_MS).toISOString();
    const timers = new ManualTimers(clock);
    t = await startTestHub({ clock, auditTimers: timers });
    const audit = t.hub.store.audit;
    expect(await audit.checkpoints()).toEqual([]);
    const [head] = await audit.chainHeads(); // the demo federation's seed wrote events already
    expect(head!.position).toBeGreaterThan(0);

    timers.advance(AUDIT_CHECKPOINT_INTERVAL_MS - 1);
    expect(t.hub.auditCheckpoints.current()).toBeNull();
    timers.advance(1);
    await t.hub.auditCheckpoints.current();
    expect(await audit.checkpoints()).toMatchObject([{ chain: head!.chain, position: head!.position, hash: head!.hash, at: hour(1) }]);

    timers.advance(AUDIT_CHECKPOINT_INTERVAL_MS);
    await t.hub.auditCheckpoints.current();
    expect(await audit.checkpoints()).toHaveLength(1); // the head did not move

    await t.hub.services.audit.viewed(1, 'monitor:painel');
    timers.advance(AUDIT_CHECKPOINT_INTERVAL_MS);
    await t.hub.auditCheckpoints.current();
    expect((await audit.checkpoints()).map((c) => [c.position, c.at])).toEqual([
      [head!.position, hour(1)],
      [head!.position + 1, hour(3)],
    ]);
  });

  it('signs a checkpoint of the last events at shutdown', async () => {
    t = await startTestHub({ auditTimers: new ManualTimers() });
    await t.hub.services.audit.viewed(1, 'monitor:painel');
    const [head] = await t.hub.store.audit.chainHeads();
    await t.hub.close();
    const store = await openConfiguredStore(t.config);
    try {
      expect((await store.audit.checkpoints()).map((c) => [c.chain, c.position, c.hash])).toEqual([[head!.chain, head!.position, head!.hash]]);
    } finally {
      await store.close();
    }
  });
});

describe('elo audit verify', () => {
  it('prints each chain and checkpoint it checked and exits 0 when the log holds', async () => {
    t = await startTestHub({ auditTimers: new ManualTimers() });
    await t.hub.close(); // the shutdown checkpoint, signed by the hub's key under the federation CA
    const cli = inProcessCli(() => t!.env, () => t!.dir);
    const r = await cli('audit', 'verify');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('ok     eventos anteriores à cadeia: nenhum');
    expect(lines[1]).toMatch(/^ok {5}cadeia \S+: \d+ evento\(s\), posições 1 a \d+, encadeados; cabeça confere/);
    expect(lines[2]).toMatch(/^ok {5}ponto de controle \S+#\d+ \(.+\): assinatura do hub válida, certificado da federação, hash confere/);
    expect(lines.at(-1)).toBe('Registro de auditoria íntegro: 1 cadeia(s), 1 ponto(s) de controle.');
    const json = await cli('audit', 'verify', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, primeiraQuebra: null, anterioresACadeia: 0, cadeias: [{ ok: true }] });
  });

  it('names the first broken link with its chain and position and exits 1', async () => {
    t = await startTestHub({ auditTimers: new ManualTimers(), env: { ELO_NODE_ID: 'no-1' } });
    await t.hub.services.audit.viewed(1, 'monitor:painel');
    await t.hub.services.audit.viewed(2, 'monitor:painel');
    await tamper(t, `UPDATE audit_events SET actor = 'outro' WHERE chain = 'no-1' AND position = 2`);
    const cli = inProcessCli(() => ({ ...t!.env, ELO_NODE_ID: 'no-1' }), () => t!.dir);
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FALHA  cadeia no-1: cadeia no-1, posição 2: os campos do evento seq \d+ não dão o hash gravado: linha alterada$/m);
    expect(r.out.split('\n').at(-1)).toMatch(/^Registro de auditoria com quebra\. Primeira quebra \(linha_alterada\): cadeia no-1, posição 2: /);
    const json = JSON.parse((await cli('audit', 'verify', '--json')).out);
    expect(json).toMatchObject({ ok: false, primeiraQuebra: { tipo: 'linha_alterada', cadeia: 'no-1', posicao: 2 } });
  });

  it('names a checkpoint whose signature no longer verifies', async () => {
    t = await startTestHub({ auditTimers: new ManualTimers() });
    await t.hub.close();
    await tamper(t, `UPDATE audit_checkpoints SET at = '2020-01-01T00:00:00.000Z'`);
    const r = await inProcessCli(() => t!.env, () => t!.dir)('audit', 'verify', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).primeiraQuebra).toMatchObject({ tipo: 'ponto_de_controle_invalido' });
  });

  it('refuses an unknown option with the help and exit 2', async () => {
    t = await startTestHub({ auditTimers: new ManualTimers() });
    const r = await inProcessCli(() => t!.env, () => t!.dir)('audit', 'verify', '--cadeia', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Uso: elo audit verify \[--json\]/);
  });
});
