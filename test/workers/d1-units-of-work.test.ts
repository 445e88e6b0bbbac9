import { describe, expect, it } from 'vitest';
import { atomically, d1Conn, isConflict, type D1Conn } from '../../src/store/d1/db.ts';
import { verifyAuditLog } from '../../src/services/audit-verify.ts';
import { nodeSha256 } from '../../src/runtime/audit-chain.ts';
import { audit, flow, newTramite, rule, whenReceived } from '../harness/store-fixtures.ts';
import { openTestStore, type TestStore } from '../harness/stores.ts';

/** A D1 test store and the connection its units of work run on. */
async function d1Store(): Promise<TestStore & { d1: D1Conn }> {
  const store = await openTestStore('d1');
  return store as TestStore & { d1: D1Conn };
}

const rows = (store: TestStore, sql: string, params: unknown[] = []) => store.sql<Record<string, unknown>>(sql, params);

describe('units of work on D1 (store/d1/db.ts)', () => {
  it('runs a unit again when another store (another isolate) moved a key it read, and the second run decides on the new state', async () => {
    const store = await d1Store();
    const otherIsolate = d1Conn(store.d1.db, store.d1.audit);
    await store.sql('CREATE TABLE contas (id INTEGER PRIMARY KEY, saldo INTEGER NOT NULL) STRICT');
    await store.sql('INSERT INTO contas VALUES (1, 100)');
    let runs = 0;
    const seen: number[] = [];
    const result = await atomically(store.d1, async (w) => {
      runs++;
      await w.lock('conta:1');
      const saldo = (await w.first<{ saldo: number }>('SELECT saldo FROM contas WHERE id = 1'))!.saldo;
      seen.push(saldo);
      // the first run is overtaken by another unit on the same key, between its reads and its commit
      if (runs === 1)
        await atomically(otherIsolate, async (x) => {
          await x.lock('conta:1');
          x.write('UPDATE contas SET saldo = saldo - 30 WHERE id = 1');
          return () => undefined;
        });
      w.write('UPDATE contas SET saldo = ? WHERE id = 1', saldo - 50);
      return () => saldo - 50;
    });
    expect(runs).toBe(2);
    expect(seen).toEqual([100, 70]);
    expect(result).toBe(20);
    expect(await rows(store, 'SELECT saldo FROM contas')).toEqual([{ saldo: 20 }]);
  });

  it('leaves nothing of a lost batch: its writes before the failed guard are rolled back with it', async () => {
    const store = await d1Store();
    await store.sql('CREATE TABLE t (v INTEGER) STRICT');
    await store.sql("INSERT INTO d1_locks (key, rev) VALUES ('k', 5)");
    // a batch written by hand as a unit would, with a stale revision (4): its insert comes first
    const db = store.d1.db;
    const lost = db.batch([db.prepare('INSERT INTO t VALUES (1)'), db.prepare("UPDATE d1_locks SET rev = rev + 1 WHERE key = 'k' AND rev = 4"), db.prepare('INSERT INTO d1_guard (ok) VALUES (changes())')]);
    const error = await lost.then(() => null, (e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect(await rows(store, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    expect(await rows(store, 'SELECT rev FROM d1_locks')).toEqual([{ rev: 5 }]);
    expect(await rows(store, 'SELECT count(*) AS n FROM d1_guard')).toEqual([{ n: 0 }]);
  });

  it("makes a store's own units take turns on a key instead of failing each other's batches", async () => {
    const store = await d1Store();
    await store.sql('CREATE TABLE contador (v INTEGER NOT NULL) STRICT');
    await store.sql('INSERT INTO contador VALUES (0)');
    let runs = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        atomically(store.d1, async (w) => {
          runs++;
          await w.lock('contador');
          const v = (await w.first<{ v: number }>('SELECT v FROM contador'))!.v;
          w.write('UPDATE contador SET v = ?', v + 1);
          return () => undefined;
        }),
      ),
    );
    expect(await rows(store, 'SELECT v FROM contador')).toEqual([{ v: 10 }]);
    expect(runs).toBe(10);
  });

  it('keeps read-then-write units of several stores on one database right, by running the losers again', async () => {
    const store = await d1Store();
    await store.sql('CREATE TABLE contador (v INTEGER NOT NULL) STRICT');
    await store.sql('INSERT INTO contador VALUES (0)');
    const isolates = [store.d1, d1Conn(store.d1.db, store.d1.audit), d1Conn(store.d1.db, store.d1.audit)];
    let runs = 0;
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        atomically(isolates[i % 3]!, async (w) => {
          runs++;
          await w.lock('contador');
          const v = (await w.first<{ v: number }>('SELECT v FROM contador'))!.v;
          w.write('UPDATE contador SET v = ?', v + 1);
          return () => undefined;
        }),
      ),
    );
    // no increment lost: every unit that read a stale value was run again
    expect(await rows(store, 'SELECT v FROM contador')).toEqual([{ v: 9 }]);
    expect(runs).toBeGreaterThan(9);
  });

  it('tells a lost revision from any other failure, which is thrown at once and not retried', async () => {
    const store = await d1Store();
    let runs = 0;
    await expect(
      atomically(store.d1, async (w) => {
        runs++;
        w.write('INSERT INTO tabela_que_nao_existe VALUES (1)');
        return () => undefined;
      }),
    ).rejects.toThrow(/no such table/);
    expect(runs).toBe(1);
  });

  it('moves a trâmite once when twenty writers race the same compare-and-set, with one history row and one audit event', async () => {
    const store = await d1Store();
    const r = await store.tramites.create(newTramite({ components: [] }), 'a', audit, { ...flow, then: [] });
    if (!r.ok) throw new Error('setup');
    const { idt } = r.tramite;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.tramites.transition({ idt, from: [1], to: 7, at: `b${i}`, audit })));
    expect(results.filter((x) => x.ok && x.changed)).toHaveLength(1);
    expect(results.every((x) => x.ok)).toBe(true);
    expect(await store.tramites.history(idt)).toHaveLength(2);
    expect((await store.audit.list({ idt })).filter((e) => e.kind === audit.kind)).toHaveLength(2);
  });

  it('gives concurrent starts distinct IDTs, NREs and tickets, and keeps the audit chain whole', async () => {
    const store = await d1Store();
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) => store.tramites.create(newTramite({ protocolo: `P-${i}`, components: [] }), `a${i}`, audit, { ...flow, then: [] })),
    );
    const ok = created.flatMap((c) => (c.ok ? [c.tramite] : []));
    expect(ok).toHaveLength(16);
    expect(new Set(ok.map((t) => t.idt)).size).toBe(16);
    expect(new Set(ok.map((t) => t.nre)).size).toBe(16);
    expect(new Set(ok.map((t) => t.ticket)).size).toBe(16);
    const report = await verifyAuditLog({ audit: store.audit, sha256: nodeSha256, anchors: [] });
    expect(report.ok).toBe(true);
  });

  it('lets exactly one of several concurrent starts of one NRE open it (spec §5.4), the others told which trâmite is open', async () => {
    const store = await d1Store();
    const first = await store.tramites.create(newTramite({ components: [] }), 'a', audit, { ...flow, then: [] });
    if (!first.ok) throw new Error('setup');
    const { nre, idt } = first.tramite;
    await store.tramites.transition({ idt, from: [1], to: 7, at: 'b', audit });
    const starts = await Promise.all(Array.from({ length: 8 }, (_, i) => store.tramites.create(newTramite({ nre, components: [] }), `c${i}`, audit, { ...flow, then: [] })));
    const opened = starts.filter((s) => s.ok);
    expect(opened).toHaveLength(1);
    const openIdt = opened[0]!.ok ? opened[0]!.tramite.idt : 0;
    for (const s of starts.filter((x) => !x.ok)) expect(s).toMatchObject({ ok: false, reason: 'open_tramite', open: { idt: openIdt, nre } });
  });

  it('applies a follow-up only on the state its own batch leaves: the last component received moves 1 → 2 once', async () => {
    const store = await d1Store();
    const comps = ['a', 'b', 'c'].map((h) => ({ hash: h, size: 1, protocolo: 'P-1', occurrences: 1, requested: true, pendingForReceiver: true }));
    const r = await store.tramites.create(newTramite({ components: comps }), 'a', audit, flow);
    if (!r.ok) throw new Error('setup');
    const { idt } = r.tramite;
    await Promise.all(['a', 'b', 'c'].map((h) => store.tramites.markReceived([idt], h, 1, `sha256/${h.repeat(64)}`, 'b', audit, whenReceived)));
    expect((await store.tramites.get(idt))!.situacao).toBe(rule('componentes_recebidos').to);
    expect((await store.tramites.history(idt)).map((h) => h.situacao)).toEqual([1, 2]);
  });
});
