import { describe, expect, it } from 'vitest';
import { postgresSweepLeader } from '../../src/store/postgres/leader.ts';
import { freshDatabase } from '../harness/stores.ts';

/** `/readyz` "varredura" with several nodes (README "Operação"): someone holds the sweep lock. */
describe('the sweep lease as readiness sees it', () => {
  it('says the lock is held from a node that does not hold it, and not held once its holder stops', async () => {
    const db = await freshDatabase();
    const other = await freshDatabase();
    const [a, b, elsewhere] = [postgresSweepLeader(db.url), postgresSweepLeader(db.url), postgresSweepLeader(other.url)];
    try {
      expect(await b.heldBySomeone()).toBe(false); // nobody swept yet
      expect(await a.isLeader()).toBe(true);
      expect(await b.isLeader()).toBe(false);
      expect(await b.heldBySomeone()).toBe(true); // held by a, seen from b
      expect(await a.heldBySomeone()).toBe(true);
      // the lock of another database on the same server is not this one's
      expect(await elsewhere.heldBySomeone()).toBe(false);
      await a.close();
      expect(await b.heldBySomeone()).toBe(false);
    } finally {
      await a.close();
      await b.close();
      await elsewhere.close();
      await db.drop();
      await other.drop();
    }
  });
});
