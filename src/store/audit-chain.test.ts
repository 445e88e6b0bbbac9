import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { auditRowHash, checkpointBytes } from '../domain/audit-chain.ts';
import { FixedClock } from '../domain/clock.ts';
import { createRootCa, generateRsaKeys, issueLeaf } from '../pki/ca/issue.ts';
import { toBase64 } from '../pki/encoding.ts';
import { cryptoKeySigner, type Signer } from '../pki/signer.ts';
import { nodeSha256 } from '../runtime/audit-chain.ts';
import { auditService } from '../services/audit.ts';
import { verifyAuditLog, type AuditVerifyReport } from '../services/audit-verify.ts';
import { openTestStore, testAuditChain, testStoreKind, type TestStore } from '../../test/harness/stores.ts';
import { openD1Store } from './d1/index.ts';
import type { D1Conn } from './d1/db.ts';
import { openPostgresStore } from './postgres/index.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { ChainedAuditRow, Store } from './index.ts';

/**
 * The tamper-evident audit log (issue 11 §7) on this run's store: every audit event a link of its
 * node's hash chain, checkpoints signed by the hub, and `verifyAuditLog` naming the first broken
 * link of each kind of tampering done directly in the database with SQL.
 */

const AT = new Date('2026-03-02T12:00:00Z');
let federationCa: string;
let hubSigner: Signer;
let outsiderSigner: Signer;

async function signerUnder(name: string): Promise<{ signer: Signer; caPem: string }> {
  const ca = await createRootCa({ name: `CN=${name} AC,O=Teste,C=BR`, at: AT });
  const keys = await generateRsaKeys();
  const leaf = await issueLeaf({ issuer: ca, subject: `CN=${name} assinatura,O=Teste,C=BR`, publicKey: keys.publicKey, purpose: 'signing', at: AT });
  const caPem = ca.certificate.toString('pem');
  return { signer: cryptoKeySigner(keys.privateKey, `${leaf.toString('pem')}\n${caPem}\n`), caPem };
}

beforeAll(async () => {
  const hub = await signerUnder('Federação');
  federationCa = hub.caPem;
  hubSigner = hub.signer;
  outsiderSigner = (await signerUnder('Intrusa')).signer;
});

const verify = (store: Store): Promise<AuditVerifyReport> => verifyAuditLog({ audit: store.audit, sha256: nodeSha256, anchors: [federationCa] });
const service = (store: Store, clock = new FixedClock(AT)) => auditService({ store, clock, hubSigner });

/** Five events, two of trâmite 7, written the way every writer of the store writes them. */
async function fiveEvents(store: Store): Promise<void> {
  for (let i = 1; i <= 5; i++) await store.audit.append({ kind: `evento.${i}`, actor: 'hub', idt: i % 2 ? 7 : null, data: { i } }, `2026-03-02T12:00:0${i}Z`);
}

const rowsOf = async (store: TestStore, chain = 'teste'): Promise<ChainedAuditRow[]> => store.audit.chainRows(chain, 0, 100);

describe('audit hash chain', () => {
  it('links each event to the previous one of its chain and verifies the whole log', async () => {
    const store = await openTestStore();
    await fiveEvents(store);
    const rows = await rowsOf(store);
    expect(rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe('');
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    // the hash is the domain's, over the stored fields (a D1 adapter computes the same)
    expect(rows[2]!.hash).toBe(auditRowHash(nodeSha256, rows[2]!));
    expect(await store.audit.chainHeads()).toEqual([{ chain: 'teste', position: 5, hash: rows[4]!.hash }]);
    const report = await verify(store);
    expect(report.ok).toBe(true);
    expect(report.primeiraQuebra).toBeNull();
    expect(report.cadeias).toEqual([{ cadeia: 'teste', linhas: 5, posicaoFinal: 5, ok: true }]);
  });

  it('keeps the event and its link in the transaction of the change: a rolled-back change leaves neither', async () => {
    const store = await openTestStore();
    await fiveEvents(store);
    await store.tokens.addToken('a'.repeat(64), 'admin', '2026-03-02T13:00:00Z', 'rótulo', { audit: { kind: 'token.criado', actor: 'operador' } });
    // a second token with the same hash fails on its primary key: the whole transaction rolls back
    await expect(store.tokens.addToken('a'.repeat(64), 'admin', '2026-03-02T13:00:01Z', 'outro', { audit: { kind: 'token.criado', actor: 'operador' } })).rejects.toThrow();
    expect((await store.audit.chainHeads())[0]!.position).toBe(6);
    expect((await verify(store)).ok).toBe(true);
  });

  it('reports the events written before the chain as anterior à cadeia, and still verifies', async () => {
    const store = await openTestStore();
    // what a database migrated from an Elo without chains holds: events with no link
    await store.sql(`INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ('2026-01-01T00:00:00Z', 'antigo', 'hub', NULL, '{}')`);
    await store.sql(`INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ('2026-01-01T00:00:01Z', 'antigo', 'hub', NULL, '{}')`);
    await fiveEvents(store);
    const report = await verify(store);
    expect(report.ok).toBe(true);
    expect(report.anterioresACadeia).toBe(2);
    expect(report.verificacoes[0]).toMatchObject({ item: 'eventos anteriores à cadeia', ok: true });
    expect(report.verificacoes[0]!.detalhe).toMatch(/^2 evento\(s\) gravado\(s\) antes da cadeia/);
  });

  it('keeps one valid chain when two connections with the same node id append in turn', async () => {
    const kind = testStoreKind();
    let other: Store;
    let store: TestStore;
    if (kind === 'sqlite') {
      // two processes (the hub and a CLI command) on one SQLite file
      const dir = mkdtempSync(join(tmpdir(), 'elo-audit-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const a = openSqliteStore(join(dir, 'elo.sqlite'), { audit: testAuditChain() });
      other = openSqliteStore(join(dir, 'elo.sqlite'), { audit: testAuditChain() });
      onTestFinished(() => a.close());
      store = Object.assign(a, { kind, url: null, sql: async () => [] }) as unknown as TestStore;
    } else if (kind === 'd1') {
      // two isolates opened with one chain id on one database: each caches the head, the batch checks it
      store = await openTestStore();
      other = openD1Store((store as TestStore & { d1: D1Conn }).d1.db, { audit: testAuditChain() });
    } else {
      store = await openTestStore();
      other = await openPostgresStore(store.url!, { maxConnections: 4, audit: testAuditChain() });
    }
    onTestFinished(() => other.close());
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? other : store).audit.append({ kind: 'concorrente', actor: `n${i % 2}`, data: { i } }, `2026-03-02T12:00:${String(i).padStart(2, '0')}Z`)),
    );
    const report = await verify(store);
    expect(report.ok).toBe(true);
    expect(report.cadeias).toEqual([{ cadeia: 'teste', linhas: 40, posicaoFinal: 40, ok: true }]);
  });
});

describe.runIf(testStoreKind() === 'postgres')('audit chains of several PostgreSQL nodes', () => {
  it('keeps two valid chains when two nodes with different ids write at the same time', async () => {
    const a = await openTestStore('postgres', { chain: 'no-a' });
    const b = await openPostgresStore(a.url!, { maxConnections: 4, audit: testAuditChain('no-b') });
    onTestFinished(() => b.close());
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? b : a).audit.append({ kind: 'concorrente', actor: `n${i % 2}`, data: { i } }, `2026-03-02T12:00:${String(i).padStart(2, '0')}Z`)),
    );
    const report = await verify(a);
    expect(report.ok).toBe(true);
    expect(report.cadeias).toEqual([
      { cadeia: 'no-a', linhas: 30, posicaoFinal: 30, ok: true },
      { cadeia: 'no-b', linhas: 30, posicaoFinal: 30, ok: true },
    ]);
  });

  it("never makes one node's append wait for another chain's lock, and serialises appends of one chain", async () => {
    const a = await openTestStore('postgres', { chain: 'no-a' });
    const b = await openPostgresStore(a.url!, { maxConnections: 4, audit: testAuditChain('no-b') });
    onTestFinished(() => b.close());
    await a.audit.append({ kind: 'inicio', actor: 'a' }, '2026-03-02T12:00:00Z');
    await b.audit.append({ kind: 'inicio', actor: 'b' }, '2026-03-02T12:00:00Z');
    // a transaction of node a holds its chain's head, as a commit in progress does
    const holder = await (a as unknown as { pool: import('pg').Pool }).pool.connect();
    onTestFinished(() => holder.release());
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM audit_chains WHERE chain = 'no-a' FOR UPDATE`);
    let aDone = false;
    const aWaits = a.audit.append({ kind: 'espera', actor: 'a' }, '2026-03-02T12:00:01Z').then(() => (aDone = true));
    await b.audit.append({ kind: 'nao_espera', actor: 'b' }, '2026-03-02T12:00:01Z');
    expect(aDone).toBe(false);
    await holder.query('COMMIT');
    await aWaits;
    expect((await a.audit.chainHeads()).map((h) => [h.chain, h.position])).toEqual([
      ['no-a', 2],
      ['no-b', 2],
    ]);
    expect((await verify(a)).ok).toBe(true);
  });
});

describe('audit checkpoints', () => {
  it('signs the head of each chain that moved, and skips one that did not', async () => {
    const store = await openTestStore();
    const clock = new FixedClock(AT);
    const audit = service(store, clock);
    expect(await audit.checkpoint()).toEqual([]); // an empty chain: nothing to sign
    await fiveEvents(store);
    const [first] = await audit.checkpoint();
    expect(first).toMatchObject({ chain: 'teste', position: 5, at: AT.toISOString(), chainPem: hubSigner.chainPem });
    clock.advance(3_600_000);
    expect(await audit.checkpoint()).toEqual([]); // nothing changed since
    await store.audit.append({ kind: 'evento.6', actor: 'hub' }, '2026-03-02T13:00:00Z');
    expect((await audit.checkpoint()).map((c) => c.position)).toEqual([6]);
    const report = await verify(store);
    expect(report.ok).toBe(true);
    expect(report.pontosDeControle.map((c) => [c.posicao, c.ok])).toEqual([
      [5, true],
      [6, true],
    ]);
  });

  it('gives the dossiê the earliest checkpoint covering the trâmite, or the latest while none does', async () => {
    const store = await openTestStore();
    const audit = service(store);
    expect(await audit.latestCheckpointCovering(7)).toBeNull();
    await fiveEvents(store); // trâmite 7's events at positions 1, 3 and 5
    await audit.checkpoint(); // at 5
    await store.audit.append({ kind: 'evento.6', actor: 'hub', idt: 8 }, '2026-03-02T12:10:00Z');
    await audit.checkpoint(); // at 6
    expect(await audit.latestCheckpointCovering(7)).toMatchObject({ checkpoint: { position: 5 }, ultimaPosicao: 5, cobre: true });
    await store.audit.append({ kind: 'evento.7', actor: 'hub', idt: 7 }, '2026-03-02T12:20:00Z');
    // position 7 has no checkpoint yet: the latest one (6) stands in, and says it does not cover
    expect(await audit.latestCheckpointCovering(7)).toMatchObject({ checkpoint: { position: 6 }, ultimaPosicao: 7, cobre: false });
    expect(await audit.latestCheckpointCovering(999)).toBeNull();
  });
});

describe('audit tampering is detected and named', () => {
  /** Five events and a checkpoint at 5; `then` tampers with SQL; the first break is returned. */
  async function tampered(then: (store: TestStore, rows: ChainedAuditRow[]) => Promise<void>, opts: { checkpoint?: boolean } = {}) {
    const store = await openTestStore();
    await fiveEvents(store);
    if (opts.checkpoint !== false) await service(store).checkpoint();
    expect((await verify(store)).ok).toBe(true);
    await then(store, await rowsOf(store));
    const report = await verify(store);
    expect(report.ok).toBe(false);
    return report.primeiraQuebra!;
  }

  it('names a changed field as linha_alterada at its position', async () => {
    const b = await tampered(async (s, rows) => void (await s.sql('UPDATE audit_events SET actor = ? WHERE seq = ?', ['outro', rows[2]!.seq])));
    expect(b).toMatchObject({ tipo: 'linha_alterada', cadeia: 'teste', posicao: 3 });
    expect(b.mensagem).toMatch(/posição 3: .*linha alterada/);
  });

  it('names a deleted row in the middle as linha_removida at the missing position', async () => {
    const b = await tampered(async (s, rows) => void (await s.sql('DELETE FROM audit_events WHERE seq = ?', [rows[1]!.seq])));
    expect(b).toMatchObject({ tipo: 'linha_removida', cadeia: 'teste', posicao: 2 });
  });

  it('names a deleted last row as linha_removida, even with the head moved back, by the checkpoint', async () => {
    const b = await tampered(async (s, rows) => {
      await s.sql('DELETE FROM audit_events WHERE seq = ?', [rows[4]!.seq]);
      await s.sql('UPDATE audit_chains SET position = 4, hash = ? WHERE chain = ?', [rows[3]!.hash, 'teste']);
    });
    expect(b).toMatchObject({ tipo: 'linha_removida', cadeia: 'teste', posicao: 5 });
    expect(b.mensagem).toMatch(/ponto de controle/);
  });

  it('names a row inserted outside the chains as linha_inserida by its seq', async () => {
    const b = await tampered(async (s) => void (await s.sql(`INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ('2026-03-02T12:00:03Z', 'falso', 'hub', 7, '{}')`)));
    expect(b).toMatchObject({ tipo: 'linha_inserida', cadeia: null });
    expect(b.seq).toBeGreaterThan(0);
  });

  it('names a row inserted into the chain past its head as linha_inserida', async () => {
    const b = await tampered(async (s, rows) => {
      const fields = { ...rows[4]!, position: 6, prevHash: rows[4]!.hash, kind: 'falso' };
      await s.sql('INSERT INTO audit_events (at, kind, actor, idt, data_json, chain, position, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        fields.at, fields.kind, fields.actor, fields.idt, fields.dataJson, 'teste', 6, fields.prevHash, auditRowHash(nodeSha256, fields),
      ]);
    });
    expect(b).toMatchObject({ tipo: 'linha_inserida', cadeia: 'teste', posicao: 6 });
  });

  it("names two rows whose contents were swapped as linhas_reordenadas", async () => {
    const b = await tampered(async (s, rows) => {
      const [x, y] = [rows[1]!, rows[2]!];
      const put = async (to: ChainedAuditRow, from: ChainedAuditRow) =>
        void (await s.sql('UPDATE audit_events SET at = ?, kind = ?, actor = ?, idt = ?, data_json = ? WHERE seq = ?', [from.at, from.kind, from.actor, from.idt, from.dataJson, to.seq]));
      await put(x, y);
      await put(y, x);
    });
    expect(b).toMatchObject({ tipo: 'linhas_reordenadas', cadeia: 'teste', posicao: 2 });
    expect(b.mensagem).toMatch(/posição 3/);
  });

  it('names two whole rows swapped, links and all, as linhas_reordenadas by their order of writing', async () => {
    const b = await tampered(async (s, rows) => {
      const [x, y] = [rows[1]!, rows[2]!];
      const put = async (to: ChainedAuditRow, from: ChainedAuditRow) =>
        void await s.sql('UPDATE audit_events SET at = ?, kind = ?, actor = ?, idt = ?, data_json = ?, position = ?, prev_hash = ?, hash = ? WHERE seq = ?', [
          from.at, from.kind, from.actor, from.idt, from.dataJson, from.position, from.prevHash, from.hash, to.seq,
        ]);
      await s.sql('UPDATE audit_events SET position = -1 WHERE seq = ?', [x.seq]);
      await put(y, x);
      await put(x, y);
    });
    expect(b).toMatchObject({ tipo: 'linhas_reordenadas', cadeia: 'teste', posicao: 3 });
  });

  it("names a checkpoint whose hash was altered as ponto_de_controle_invalido", async () => {
    const b = await tampered(async (s) => void (await s.sql('UPDATE audit_checkpoints SET hash = ? WHERE chain = ?', ['0'.repeat(64), 'teste'])));
    expect(b).toMatchObject({ tipo: 'ponto_de_controle_invalido', cadeia: 'teste', posicao: 5 });
  });

  it('names a checkpoint signed by a key outside the federation as ponto_de_controle_fora_da_federacao', async () => {
    const b = await tampered(
      async (s, rows) => {
        const fields = { chain: 'teste', position: 4, hash: rows[3]!.hash, at: AT.toISOString() };
        const signature = toBase64(await outsiderSigner.sign(checkpointBytes(fields)));
        await s.sql('INSERT INTO audit_checkpoints (chain, position, hash, at, signature, chain_pem) VALUES (?, ?, ?, ?, ?, ?)', [
          fields.chain, fields.position, fields.hash, fields.at, signature, outsiderSigner.chainPem,
        ]);
      },
      { checkpoint: false },
    );
    expect(b).toMatchObject({ tipo: 'ponto_de_controle_fora_da_federacao', cadeia: 'teste', posicao: 4 });
    expect(b.mensagem).toMatch(/não é da federação/);
  });

  it('names a chain rewritten with recomputed hashes by the signed checkpoint it no longer matches', async () => {
    const b = await tampered(async (s, rows) => {
      // the careful forger: changes row 2 and recomputes every link after it, head included
      let prev = rows[0]!.hash;
      for (const r of rows.slice(1)) {
        const fields = { ...r, prevHash: prev, actor: r.position === 2 ? 'outro' : r.actor };
        const hash = auditRowHash(nodeSha256, fields);
        await s.sql('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?', [fields.actor, prev, hash, r.seq]);
        prev = hash;
      }
      await s.sql('UPDATE audit_chains SET hash = ? WHERE chain = ?', [prev, 'teste']);
    });
    expect(b).toMatchObject({ tipo: 'cadeia_diverge_do_ponto_de_controle', cadeia: 'teste', posicao: 5 });
  });
});
