/**
 * Fresh D1 databases for tests, served by Miniflare (workerd with its local D1, the same engine
 * `wrangler dev` uses) and reached from Node through a bridge Worker, one asynchronous request per
 * call (src/runtime/workers/local/d1-bridge.ts says why not Miniflare's proxies). Each instance carries
 * a batch of empty databases, migrated when handed out; an instance whose databases are all
 * used and closed is disposed, and one left idle is disposed after a moment (its workerd process
 * never outlives the tests).
 */
import { Miniflare } from 'miniflare';
import { D1_BRIDGE_SCRIPT, d1ThroughBridge } from '../../src/runtime/workers/local/d1-bridge.ts';
import type { D1Database } from '../../src/store/d1/d1-types.ts';
import { applyD1Migrations } from '../../src/store/d1/migrations.ts';

const PER_INSTANCE = 24;
const IDLE_MS = 1500;

interface Instance {
  mf: Miniflare;
  next: number;
  open: number;
  idle: ReturnType<typeof setTimeout> | null;
}

let current: Instance | null = null;

function newInstance(): Instance {
  const names = Array.from({ length: PER_INSTANCE }, (_, i) => `DB${i}`);
  const mf = new Miniflare({
    modules: true,
    script: D1_BRIDGE_SCRIPT,
    d1Databases: names,
    compatibilityDate: '2026-04-20',
  });
  return { mf, next: 0, open: 0, idle: null };
}

const dispose = (i: Instance) => {
  if (current === i) current = null;
  void i.mf.dispose();
};

/** An empty, migrated D1 database; `close` gives it back. */
export async function freshD1(): Promise<{ db: D1Database; close(): Promise<void> }> {
  if (!current || current.next >= PER_INSTANCE) current = newInstance();
  const inst = current;
  if (inst.idle) (clearTimeout(inst.idle), (inst.idle = null));
  const name = `DB${inst.next++}`;
  inst.open++;
  const db: D1Database = d1ThroughBridge((body) => inst.mf.dispatchFetch('http://ponte-d1/', { method: 'POST', body }) as unknown as Promise<Response>, name);
  await applyD1Migrations(db);
  let closed = false;
  return {
    db,
    async close() {
      if (closed) return;
      closed = true;
      if (--inst.open > 0) return;
      if (inst.next >= PER_INSTANCE) return dispose(inst);
      inst.idle = setTimeout(() => inst.open === 0 && dispose(inst), IDLE_MS);
      inst.idle.unref();
    },
  };
}
