import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { D1Database } from '../../src/store/d1/d1-types.ts';
import { freshD1 } from '../harness/d1-databases.ts';

/**
 * The bridge the Workers tier reaches D1 through from Node (src/runtime/workers/local/d1-bridge.ts):
 * what crosses it must be what D1 itself answers — bytes, nulls, D1's error messages (the store's
 * conflict detection reads them) and a batch's all-or-nothing.
 */
describe('the D1 bridge of the Workers tests', () => {
  let db: D1Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await freshD1());
    await db.prepare('CREATE TABLE ponte (id INTEGER PRIMARY KEY, texto TEXT, dados BLOB) STRICT').run();
  });
  afterAll(() => close?.());

  it('carries text, numbers, nulls and bytes both ways', async () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255]).buffer;
    await db.prepare('INSERT INTO ponte VALUES (?, ?, ?)').bind(1, 'ação', bytes).run();
    await db.prepare('INSERT INTO ponte VALUES (?, ?, ?)').bind(2, null, null).run();
    const rows = (await db.prepare('SELECT id, texto, hex(dados) AS h FROM ponte ORDER BY id').all<{ id: number; texto: string | null; h: string }>()).results;
    expect(rows).toEqual([
      { id: 1, texto: 'ação', h: '00017F80FF' },
      { id: 2, texto: null, h: '' },
    ]);
    expect(await db.prepare('SELECT id FROM ponte WHERE id = ?').bind(9).first()).toBeNull();
  });

  it("throws D1's own message for a failed statement", async () => {
    await expect(db.prepare('INSERT INTO ponte VALUES (?, ?, ?)').bind(1, 'de novo', null).run()).rejects.toThrow(/UNIQUE constraint failed: ponte\.id/);
  });

  it('rolls a failed batch back whole', async () => {
    await expect(
      db.batch([db.prepare('INSERT INTO ponte VALUES (?, ?, ?)').bind(3, 'três', null), db.prepare('INSERT INTO ponte VALUES (?, ?, ?)').bind(1, 'repetido', null)]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.prepare('SELECT id FROM ponte WHERE id = 3').first()).toBeNull();
  });
});
