import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresKeyLocks } from '../../src/store/postgres/key-locks.ts';
import { freshDatabase } from '../harness/stores.ts';

/**
 * Blob locks across nodes (services/storage/blob-locks.ts): a retention sweep on one node and an
 * upload of the same bytes on another never interleave. Run only by the PostgreSQL tier.
 */
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A database of this test's own: other files run beside it, and this one kills sessions. */
async function ownDatabase(): Promise<string> {
  const db = await freshDatabase();
  cleanup.push(() => db.drop());
  return db.url;
}

function node(url: string) {
  const locks = postgresKeyLocks(url);
  cleanup.push(() => locks.close());
  return locks;
}

/** A latch a test opens by hand. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('PostgreSQL key locks shared by several hub nodes', () => {
  it('runs two holders of the same key on two nodes one after the other', async () => {
    const url = await ownDatabase();
    const [a, b] = [node(url), node(url)];
    const order: string[] = [];
    const inside = latch();
    const release = latch();
    const first = a.run('blob:sha256/x', async () => {
      order.push('a entra');
      inside.open();
      await release.opened;
      order.push('a sai');
    });
    await inside.opened;
    const second = b.run('blob:sha256/x', async () => {
      order.push('b entra');
    });
    // b is waiting on the server for a's lock: give it time to (wrongly) get in
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['a entra']);
    release.open();
    await Promise.all([first, second]);
    expect(order).toEqual(['a entra', 'a sai', 'b entra']);
  });

  it('lets holders of different keys run at the same time', async () => {
    const url = await ownDatabase();
    const [a, b] = [node(url), node(url)];
    const both = latch();
    let inside = 0;
    const hold = (locks: ReturnType<typeof node>, key: string) =>
      locks.run(key, async () => {
        if (++inside === 2) both.open();
        await both.opened;
      });
    await Promise.all([hold(a, 'blob:sha256/x'), hold(b, 'blob:sha256/y')]);
    expect(inside).toBe(2);
  });

  it('releases the lock when fn fails, and when the holding node’s session dies', async () => {
    const url = await ownDatabase();
    const [a, b] = [node(url), node(url)];
    await expect(a.run('k', async () => Promise.reject(new Error('falhou')))).rejects.toThrow('falhou');
    expect(await b.run('k', async () => 'livre')).toBe('livre');

    const inside = latch();
    const never = latch();
    const dying = a.run('k2', async () => {
      inside.open();
      await never.opened;
    });
    await inside.opened;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    expect(await b.run('k2', async () => 'assumido')).toBe('assumido');
    never.open();
    await dying.catch(() => undefined);
  });
});
