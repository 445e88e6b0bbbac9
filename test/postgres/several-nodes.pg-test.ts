import { afterEach, describe, expect, it } from 'vitest';
import { OPEN_SITUACOES, WORKFLOW } from '../../src/domain/situacao.ts';
import type { Store } from '../../src/store/index.ts';
import { migrations } from '../../src/store/postgres/migrations.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { postgresSweepLeader } from '../../src/store/postgres/leader.ts';
import { audit, flow, newTramite, rule, whenReceived } from '../harness/store-fixtures.ts';
import { freshDatabase, openTestStore, testAuditChain } from '../harness/stores.ts';

/**
 * Several hub nodes on one PostgreSQL database: what SQLite's single writer guaranteed must hold
 * when two nodes (two stores, two connection pools) write at the same moment. Run only by the
 * PostgreSQL tier (vitest.pg.config.ts).
 */

const others: Store[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((s) => s.close()));
});

/** Two nodes on one fresh database. */
async function twoNodes() {
  const a = await openTestStore('postgres');
  const b = await openPostgresStore(a.url!, { audit: testAuditChain() });
  others.push(b);
  return [a, b] as const;
}

describe('PostgreSQL store shared by several hub nodes', () => {
  it('applies each migration once when several nodes start together on an empty database', async () => {
    const db = await freshDatabase();
    try {
      const nodes = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(db.url, { audit: testAuditChain() })));
      const applied = await nodes[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.rows.map((r) => r.version)).toEqual(migrations.map((_, i) => i + 1));
      await Promise.all(nodes.map((n) => n.close()));
    } finally {
      await db.drop();
    }
  });

  it('lets one node at a time run the sweep, and another take over when it stops', async () => {
    const db = await freshDatabase();
    const [a, b] = [postgresSweepLeader(db.url), postgresSweepLeader(db.url)];
    try {
      expect(await a.isLeader()).toBe(true);
      expect(await b.isLeader()).toBe(false);
      expect(await a.isLeader()).toBe(true); // still holds it at its next tick
      await a.close();
      expect(await b.isLeader()).toBe(true);
      expect(await a.isLeader()).toBe(false); // a stopped node never sweeps again
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('allocates distinct IDTs, NREs and tickets to starts arriving together from two nodes', async () => {
    const [a, b] = await twoNodes();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tramites.create(newTramite({ protocolo: `P-${i}` }), 'a', audit, flow)),
    );
    const made = results.map((r) => (r.ok ? r.tramite : null));
    expect(made.every(Boolean)).toBe(true);
    const idts = made.map((t) => t!.idt).sort((x, y) => x - y);
    expect(idts).toEqual(Array.from({ length: 20 }, (_, i) => 1_000_000_001 + i));
    expect(new Set(made.map((t) => t!.nre)).size).toBe(20);
    expect(new Set(made.map((t) => t!.ticket)).size).toBe(20);
  });

  it('lets exactly one of many starts of one NRE through, from either node, and answers open_tramite naming it to the others (spec §5.4)', async () => {
    const [a, b] = await twoNodes();
    const nre = '0000000000000042';
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).tramites.create(newTramite({ nre, protocolo: 'P-42' }), 'a', audit, flow)),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.ok ? winners[0]!.tramite : null;
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, reason: 'open_tramite', open: { idt: winner!.idt, situacao: 1, nre } });
    expect((await a.tramites.query({ nre })).map((t) => t.idt)).toEqual([winner!.idt]);
  });

  it('lets one of many first starts of the same process by one sender through, from either node, and answers open_tramite to the others', async () => {
    const [a, b] = await twoNodes();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).tramites.create(newTramite({ protocolo: 'P-7' }), 'a', audit, flow)),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.ok ? winners[0]!.tramite : null;
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, reason: 'open_tramite', open: { idt: winner!.idt, situacao: 1, nre: winner!.nre } });
    expect((await a.tramites.query({ protocolo: 'P-7' })).map((t) => t.idt)).toEqual([winner!.idt]);
  });

  it('moves a trâmite on once when two nodes record its last two components at the same moment', async () => {
    const [a, b] = await twoNodes();
    for (let round = 0; round < 5; round++) {
      const comps = ['x', 'y'].map((h) => ({ hash: `${h}${round}`, size: 10, protocolo: `P-${round}`, occurrences: 1, requested: true, pendingForReceiver: true }));
      const c = await a.tramites.create(newTramite({ protocolo: `P-${round}`, components: comps }), 'a', audit, flow);
      if (!c.ok) throw new Error('setup');
      const idt = c.tramite.idt;
      await Promise.all([
        a.tramites.markReceived([idt], comps[0]!.hash, 10, `sha256/${'1'.repeat(63)}${round}`, 'b', audit, whenReceived),
        b.tramites.markReceived([idt], comps[1]!.hash, 10, `sha256/${'2'.repeat(63)}${round}`, 'b', audit, whenReceived),
      ]);
      expect((await a.tramites.get(idt))!.situacao).toBe(rule('componentes_recebidos').to);
      expect((await a.tramites.history(idt)).map((h) => h.situacao)).toEqual([WORKFLOW.initial, rule('componentes_recebidos').to]);
    }
  });

  it('refuses the start that would exceed the sender quota when two nodes check it at the same moment', async () => {
    const [a, b] = await twoNodes();
    const quota = { maxBytes: 100, situacoes: OPEN_SITUACOES };
    const big = (hash: string, protocolo: string) =>
      newTramite({ protocolo, quota, metadataSize: 5, metadataBlobKey: `sha256/${hash.repeat(64)}`, components: [{ hash, size: 60, protocolo, occurrences: 1, requested: true, pendingForReceiver: true }] });
    const results = await Promise.all([a.tramites.create(big('a', 'P-1'), 'a', audit, flow), b.tramites.create(big('b', 'P-2'), 'a', audit, flow)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'quota_exceeded', inUseBytes: 65, addedBytes: 65, maxBytes: 100 });
  });
});
