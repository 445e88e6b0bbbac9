import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { OPEN_SITUACOES } from '../../domain/situacao.ts';
import { migrate } from './open.ts';
import { migrations } from './migrations.ts';
import { openTestStore, testStoreKind, type TestStore } from '../../../test/harness/stores.ts';

const audit = { kind: 'teste', actor: 'teste' };
const at = '2026-01-01T00:00:00.000Z';

function tramiteRow(db: Database.Database, idt: number, nre: string, situacao: number, sender: string, receiver: string) {
  db.prepare('INSERT OR IGNORE INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?)').run(nre, 'P-1', at);
  db.prepare(
    `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, sender_system_id, receiver_system_id,
       situacao, ticket, is_replay, envio_parcial, urgente, metadata_blob_key, created_at, last_transition_at)
     VALUES (?, ?, 'processo', 'P-1', 1, '1', 1, '2', ?, ?, ?, ?, 0, 0, 0, 'k', ?, ?)`,
  ).run(idt, nre, sender, receiver, situacao, String(idt), at, at);
}

/** The same row through either store's SQL (portable: ON CONFLICT, boolean literals). */
async function tramiteRowIn(store: TestStore, idt: number, nre: string, situacao: number, sender: string, receiver: string) {
  await store.sql('INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [nre, 'P-1', at]);
  await store.sql(
    `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, sender_system_id, receiver_system_id,
       situacao, ticket, is_replay, envio_parcial, urgente, metadata_blob_key, created_at, last_transition_at)
     VALUES (?, ?, 'processo', 'P-1', 1, '1', 1, '2', ?, ?, ?, ?, false, false, false, 'k', ?, ?)`,
    [idt, nre, sender, receiver, situacao, String(idt), at, at],
  );
}

describe('sqlite NRE holders upgrade', () => {
  it('binds, on upgrade, the parties of every trâmite that already reached 5, and nobody for a failed attempt', () => {
    const db = new Database(':memory:');
    const mine = migrations.findIndex((m) => m.includes('CREATE TABLE nre_holders'));
    for (let v = 0; v < mine; v++) db.exec(migrations[v]!);
    db.pragma(`user_version = ${mine}`);
    tramiteRow(db, 1, '0000000000000001', 6, 'a', 'b');
    tramiteRow(db, 2, '0000000000000002', 7, 'squatter', 'c');
    migrate(db);
    expect(db.prepare('SELECT nre, system_id FROM nre_holders ORDER BY nre, system_id').all()).toEqual([
      { nre: '0000000000000001', system_id: 'a' },
      { nre: '0000000000000001', system_id: 'b' },
    ]);
    db.close();
  });
});

describe.each([testStoreKind()])('%s NRE holders', (kind) => {
  it('sets holders compare-and-set on the version, creating an unknown NRE, and refuses while another sender has a trâmite open', async () => {
    const store = await openTestStore(kind);
    const t = store.tramites;
    const set = (nre: string, expectedVersion: number | null, holders: string[]) =>
      t.setNreHolders({ nre, protocolo: 'P-9', expectedVersion, holders, source: 'importacao', open: OPEN_SITUACOES }, at, audit);
    expect(await set('0000000000000003', null, ['a'])).toEqual({ ok: true, version: 1 });
    expect(await t.nreRegistration('0000000000000003')).toMatchObject({ protocolo: 'P-9', version: 1 });
    expect(await t.nreHolders('0000000000000003')).toEqual([{ systemId: 'a', source: 'importacao', at }]);
    expect(await t.isNreParty('0000000000000003', 'a')).toBe(true);
    expect(await set('0000000000000003', null, ['b'])).toEqual({ ok: false, reason: 'nre_changed' });
    expect(await set('0000000000000003', 0, ['b'])).toEqual({ ok: false, reason: 'nre_changed' });

    await tramiteRowIn(store, 10, '0000000000000004', 1, 'squatter', 'c');
    const v = (await t.nreRegistration('0000000000000004'))!.version;
    expect(await set('0000000000000004', v, ['a'])).toEqual({ ok: false, reason: 'open_tramite', open: { idt: 10, situacao: 1, senderSystemId: 'squatter' } });
    expect(await t.nreHolders('0000000000000004')).toEqual([]);
    expect(await set('0000000000000004', v, ['squatter'])).toEqual({ ok: true, version: v + 1 });
    // a release (nobody bound) is not held up by an open trâmite
    expect(await set('0000000000000004', v + 1, [])).toEqual({ ok: true, version: v + 2 });
    expect(await t.nreHolders('0000000000000004')).toEqual([]);
    expect((await store.audit.list({ kind: 'teste' })).length).toBe(3);
    await store.close();
  });
});
