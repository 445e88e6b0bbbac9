import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './open.ts';

describe('openDatabase', () => {
  let dir = '';
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs the WAL at every commit (WAL mode, synchronous = FULL), so an acknowledged commit survives a power loss', () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-open-'));
    db = openDatabase(join(dir, 'elo.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL; NORMAL (1) syncs the WAL only at checkpoints (https://www.sqlite.org/pragma.html#pragma_synchronous)
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
