/**
 * What the audit hash chain costs per audited write (issue 11 §7), on SQLite with
 * synchronous=FULL (the hub's setting): appends per second of the event alone (the statement
 * before the chain) against the chained append (head read, hash, row, head move), each in its own
 * transaction as a transition's event is, on a file and in memory (no fsync: the CPU cost alone).
 *
 * With ELO_BENCH_DATABASE_URL (an empty PostgreSQL database) the same on PostgreSQL: the chained
 * append adds the head's lock and one statement to the transaction.
 *
 *   npx tsx bench/audit-chain.ts [appends]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSha256 } from '../src/runtime/audit-chain.ts';
import { median } from './measure.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { auditAppender } from '../src/store/sqlite/audit.ts';
import { openPostgresStore } from '../src/store/postgres/index.ts';
import { tx } from '../src/store/postgres/db.ts';

const n = Number(process.argv[2] ?? 300);
// ELO_BENCH_DIR: a folder on the disk to measure (tmpdir may be a tmpfs, where fsync costs nothing)
const dir = mkdtempSync(join(process.env.ELO_BENCH_DIR ?? tmpdir(), 'elo-bench-audit-'));
try {
  for (const where of ['arquivo', 'memória'] as const) {
    const store = openSqliteStore(where === 'arquivo' ? join(dir, `elo-${Date.now()}.sqlite`) : ':memory:', { audit: { chain: 'bench', sha256: nodeSha256 } });
    const db = store.db;
    const plain = db.prepare('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)');
    const before = db.transaction((i: number) => void plain.run(new Date().toISOString(), 'tramite.transicao', 'sei-estado', i, JSON.stringify({ de: 2, para: 3 })));
    const chained = auditAppender(db);
    const after = db.transaction((i: number) => chained(new Date().toISOString(), { kind: 'tramite.transicao', actor: 'sei-estado', idt: i, data: { de: 2, para: 3 } }));
    const rate = (fn: (i: number) => void) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn(i);
      return n / ((performance.now() - t0) / 1000);
    };
    rate(before), rate(after); // warm-up
    // alternating rounds, median of each: the machine's other load hits both alike
    const rounds = Array.from({ length: 7 }, () => [rate(before), rate(after)] as const);
    const [a, b] = [median(rounds.map((r) => r[0])), median(rounds.map((r) => r[1]))];
    console.log(`${where}: sem cadeia ${a.toFixed(0)} eventos/s (${(1000 / a).toFixed(3)} ms), com cadeia ${b.toFixed(0)} eventos/s (${(1000 / b).toFixed(3)} ms): +${(1000 / b - 1000 / a).toFixed(3)} ms por evento`);
    await store.close();
  }
  const url = process.env.ELO_BENCH_DATABASE_URL;
  if (url) {
    const store = await openPostgresStore(url, { maxConnections: 2, audit: { chain: 'bench', sha256: nodeSha256 } });
    const pool = store.pool;
    const data = JSON.stringify({ de: 2, para: 3 });
    const before = (i: number) =>
      tx(pool, async (c) => void (await c.query('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ($1, $2, $3, $4, $5)', [new Date().toISOString(), 'tramite.transicao', 'sei-estado', i, data])));
    const after = (i: number) => store.audit.append({ kind: 'tramite.transicao', actor: 'sei-estado', idt: i, data: { de: 2, para: 3 } }, new Date().toISOString());
    const rate = async (fn: (i: number) => Promise<void>) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await fn(i);
      return n / ((performance.now() - t0) / 1000);
    };
    await rate(before), await rate(after);
    const rounds: (readonly [number, number])[] = [];
    for (let r = 0; r < 5; r++) rounds.push([await rate(before), await rate(after)] as const);
    const [a, b] = [median(rounds.map((r) => r[0])), median(rounds.map((r) => r[1]))];
    console.log(`postgresql: sem cadeia ${a.toFixed(0)} eventos/s (${(1000 / a).toFixed(3)} ms), com cadeia ${b.toFixed(0)} eventos/s (${(1000 / b).toFixed(3)} ms): +${(1000 / b - 1000 / a).toFixed(3)} ms por evento`);
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
