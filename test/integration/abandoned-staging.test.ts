import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { ABANDONED_STAGING_MS } from '../../src/services/transfers/auto-cancel.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * A node killed mid-upload (SIGKILL, power loss) leaves its staging file in `blobs/tmp`: bytes
 * nobody will ever commit. With several nodes on one data folder no node may empty that folder
 * at its start (another node's uploads are being staged there), so the sweep removes the staging
 * files nothing has written for an hour, and never one a request of this node still writes or
 * holds staged.
 */
describe('staging files left by a node that died mid-upload', () => {
  let t: TestHub;
  const clock = new FixedClock(new Date());
  let tmp: string;
  /** A staging file as a dead node leaves it, last written `ageMs` ago (real file time). */
  const leftover = (name: string, ageMs: number) => {
    const file = join(tmp, name);
    writeFileSync(file, 'bytes of an upload cut by SIGKILL');
    const at = new Date(Date.now() - ageMs);
    utimesSync(file, at, at);
    return file;
  };
  const events = async () => (await t.hub.store.audit.list({ kind: 'retencao.temporarios_removidos' })).map((e) => e.data);

  beforeAll(async () => {
    t = await startTestHub({ clock, env: { ELO_SWEEP_INTERVAL_SECONDS: '86400' } });
    tmp = join(t.paths.blobs, 'tmp');
    mkdirSync(tmp, { recursive: true });
  });
  afterAll(async () => t?.close());

  it('removes at the sweep a staging file untouched for over an hour, keeps a younger one, and records the removal', async () => {
    expect(ABANDONED_STAGING_MS).toBe(HOUR);
    const dead = leftover('3d0c1d9e-0000-4000-8000-000000000001', 2 * HOUR);
    const young = leftover('3d0c1d9e-0000-4000-8000-000000000002', 10 * 60_000);
    await t.hub.services.autoCancel.sweep();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(await events()).toEqual([{ arquivos: 1 }]);
    // nothing more to remove: nothing more recorded
    await t.hub.services.autoCancel.sweep();
    expect(await events()).toEqual([{ arquivos: 1 }]);
    // an hour later by the hub's clock the younger one is abandoned too
    clock.advance(HOUR);
    await t.hub.services.autoCancel.sweep();
    expect(existsSync(young)).toBe(false);
    expect(await events()).toEqual([{ arquivos: 1 }, { arquivos: 1 }]);
  });

  it('keeps a staging file this node is still writing or holds staged, whatever the clock says, and commits it after', async () => {
    let push!: (b: Uint8Array | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        push = (b) => (b ? c.enqueue(b) : c.close());
      },
    });
    const staging = t.hub.blobs.stage(body, 1_000);
    push(new TextEncoder().encode('primeira metade, '));
    clock.advance(10 * DAY);
    await t.hub.services.autoCancel.sweep(); // while the upload still writes
    push(new TextEncoder().encode('segunda metade'));
    push(null);
    const staged = await staging;
    clock.advance(10 * DAY);
    await t.hub.services.autoCancel.sweep(); // staged, its commit still to come
    const key = await t.hub.blobs.commit(staged);
    expect(new TextDecoder().decode(await t.hub.blobs.readAll(key))).toBe('primeira metade, segunda metade');
    await t.hub.blobs.remove(key);
  });
});
