import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { blobLocks } from '../../src/services/storage/blob-locks.ts';
import { bytesOf, sha256b64 } from '../harness/packages.ts';
import { expect2xx, expectError, refusedWithoutChange, startConformanceHub, testRuntime, type Ctx } from './support/context.ts';
import { buildProcesso, cancel, driveTo, fetchMetadata, start, upload, type Json, type Tramite } from './support/flow.ts';

const DAY = 86_400_000;
const MIB = 1_048_576;
const GIB = 1_073_741_824;

/** The component of the first document, to declare sizes the test never sends. */
const firstComponent = (body: Json) => body.processo.documentos[0].componentesDigitais[0];

/** Whether the hub's blob store (a folder on Node, R2 on the Worker) holds a hash's bytes, by its content address. */
const stored = async (ctx: Ctx, hash: string) => (await ctx.t.hub.blobs.size(`sha256/${Buffer.from(hash, 'base64').toString('hex')}`)) !== null;
const bodyStored = (ctx: Ctx, body: Json) => stored(ctx, sha256b64(new TextEncoder().encode(JSON.stringify(body))));
/** Whether parts of a ranged upload are kept under a ticket. */
const holdsParts = async (ctx: Ctx, ticket: string) => (await ctx.t.hub.blobs.partTickets()).includes(ticket);
/**
 * What only the Node hub has: a free-space floor (R2 has no free space to run out of) and an
 * in-process blob store a test can stop in the middle of a removal. Among a Worker's isolates the
 * same race is the D1 units of work's (test/workers/d1-units-of-work.test.ts).
 */
const onWorker = testRuntime() === 'workers';

/**
 * What a sender can make the hub store is bounded where it is declared (spec §2.8, §2.9, §2.11):
 * a maximum component size, the protocol's 200 MB block, a per-system quota of bytes declared by
 * unfinished trâmites. Nothing of a refusal is stored.
 */
describe('declared sizes are bounded at declaration (spec §2.8, §2.11)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  it('refuses a component declaring 2^50 bytes when the trâmite starts, naming the maximum, and keeps the store as it was', async () => {
    const p = buildProcesso(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 2 ** 50) });
    const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(p.body), 413, '9017');
    expect(msg).toContain(String(2 ** 50));
    expect(msg).toContain(`5,0 GiB (${5 * GIB} bytes)`);
    expect(msg).toContain('processo.documentos[0] (ordem 1).componentesDigitais[0]');
  });

  it('accepts a component declaring 5 GiB by default and asks for it', async () => {
    const tr = await start(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 5 * GIB) });
    expect(tr.requested).toHaveLength(1);
    expect2xx(await cancel(ctx, tr));
  });

  it('refuses a part declaring more than the 200 MB block before reading it, and keeps the store as it was', async () => {
    const tr = await start(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 300 * MIB) });
    const hash = tr.requested[0]!;
    const small = { bytes: bytesOf(16, ctx.seed()), hash, protocolo: tr.protocolo };
    const msg = await refusedWithoutChange(ctx, () => ctx.estado.enviarParte(tr.ticket, 0, 200 * MIB + 1, small), 413, '9018');
    expect(msg).toContain('200 MB');
    expect(await holdsParts(ctx, tr.ticket)).toBe(false);
    // a part of exactly 200 MB is read (and refused here only because its bytes are 16)
    expectError(await ctx.estado.enviarParte(tr.ticket, 0, 200 * MIB, small), 400, '9006');
    expect2xx(await cancel(ctx, tr));
  });
});

describe('per-system quota of bytes declared by unfinished trâmites', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub({ env: { ELO_SYSTEM_QUOTA_MB: '1', ELO_MAX_COMPONENT_MB: '1' } });
  });
  afterAll(async () => ctx?.close());

  let first: Tramite;

  it('refuses a trâmite that would take its sender over the quota, naming the quota and the bytes in use, and keeps the store as it was', async () => {
    first = await start(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 600_000) });
    const p = buildProcesso(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 600_000) });
    const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(p.body), 413, '9019');
    expect(msg).toContain(`${MIB} bytes`); // the quota
    const inUse = Number(/já declaram [^(]*\((\d+) bytes\)/.exec(msg)?.[1]);
    expect(inUse).toBeGreaterThanOrEqual(600_000); // the first trâmite's component and body
    expect(inUse).toBeLessThan(620_000);
    const added = Number(/acrescentaria [^(]*\((\d+) bytes\)/.exec(msg)?.[1]);
    expect(added).toBeGreaterThanOrEqual(600_000); // what this one adds: its component and body
    expect(added).toBeLessThan(620_000);
    expect(inUse + added).toBeGreaterThan(MIB);
    expect(msg).toMatch(/cancele trâmites/);
  });

  it('counts quotas per system: the other system still starts', async () => {
    await start(ctx, { remetente: [200, '2002'], destinatario: [100, '1002'], edit: (b) => (firstComponent(b).tamanhoEmBytes = 600_000) });
  });

  it('counts bytes stored once only once: the same hash again fits', async () => {
    const same = firstComponent(first.body);
    await start(ctx, {
      edit: (b) => {
        firstComponent(b).hash = same.hash;
        firstComponent(b).tamanhoEmBytes = same.tamanhoEmBytes;
      },
    });
  });

  it('frees the quota when the sender cancels its trâmite', async () => {
    const open = (await ctx.estado.tramites({})).body.tramites.filter(
      (t) => t.situacaoAtual === 1 && t.remetente.identificacaoDoRepositorioDeEstruturas === 100,
    );
    for (const t of open) expect2xx(await ctx.estado.call('DELETE', `tramites/${t.IDT}`));
    await start(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 600_000) });
  });

  it('lets only one of two starts arriving together take the last room in the quota', async () => {
    const open = (await ctx.estado.tramites({})).body.tramites.filter(
      (t) => t.situacaoAtual === 1 && t.remetente.identificacaoDoRepositorioDeEstruturas === 100,
    );
    for (const t of open) expect2xx(await ctx.estado.call('DELETE', `tramites/${t.IDT}`));
    const bodies = [1, 2].map(() => buildProcesso(ctx, { edit: (b) => (firstComponent(b).tamanhoEmBytes = 600_000) }).body);
    const answers = await Promise.all(bodies.map((b) => ctx.estado.iniciarProcesso(b)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 413]);
  });
});

describe.skipIf(onWorker)('free-space floor', () => {
  let ctx: Ctx;
  let free = 100 * GIB;
  beforeAll(async () => {
    ctx = await startConformanceHub({ freeSpace: async () => free });
  });
  afterAll(async () => ctx?.close());

  it('refuses new trâmites and uploads below 1 GiB free, with 507 and the numbers, while metadata, queries and downloads go on', async () => {
    const delivered = await driveTo(ctx, 4);
    const waiting = await start(ctx);
    free = 512 * MIB;
    const p = buildProcesso(ctx);
    const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(p.body), 507, '9020');
    expect(msg).toContain(`${512 * MIB} bytes`);
    expect(msg).toContain(`${GIB} bytes`);
    const h = waiting.requested[0]!;
    const c = { bytes: waiting.bytes.get(h)!, hash: h, protocolo: waiting.protocolo };
    await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(waiting.ticket, c), 507, '9020');
    await refusedWithoutChange(ctx, () => ctx.estado.enviarParte(waiting.ticket, 0, c.bytes.length, c), 507, '9020');
    // reads go on
    expect((await fetchMetadata(ctx, delivered)).processo.protocolo).toBe(delivered.protocolo);
    const dh = delivered.requested[0]!;
    const d = await ctx.municipio.baixarParte(delivered.idt, dh, delivered.protocolo, 0, delivered.bytes.get(dh)!.length);
    expect(d.status, d.text).toBe(200);
    expect(sha256b64(d.bytes!)).toBe(dh);
    expect((await ctx.estado.tramites({ IDT: waiting.idt })).status).toBe(200);
    // and writes resume once there is room again
    free = 100 * GIB;
    await upload(ctx, waiting);
  });
});

describe('retention of cancelled trâmites (default policy: parts and components at the next sweep, metadata after 30 days)', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  let t0: number;
  let live: Tramite;
  let cancelled: Tramite;
  const shared = bytesOf(96, 77);
  const own = bytesOf(80, 78);
  const parted = bytesOf(64, 79);

  beforeAll(async () => {
    ctx = await startConformanceHub({ clock });
    t0 = Date.now();
    clock.set(new Date(t0));
  });
  afterAll(async () => ctx?.close());
  const sweep = () => ctx.t.hub.services.autoCancel.sweep();
  const events = async (kind: string) => (await ctx.t.hub.store.audit.list({ kind })).filter((e) => e.idt === cancelled.idt);

  it('removes the parts and the component bytes of a cancelled trâmite at the next sweep, keeping a blob a concluded trâmite shares', async () => {
    live = await driveTo(ctx, 6, { documentos: [{ bytes: [shared] }] });
    cancelled = await start(ctx, { documentos: [{ bytes: [shared, own, parted] }] });
    await upload(ctx, { ...cancelled, requested: [sha256b64(shared), sha256b64(own)] });
    const ph = sha256b64(parted);
    expect2xx(await ctx.estado.enviarParte(cancelled.ticket, 0, 10, { bytes: parted.slice(0, 10), hash: ph, protocolo: cancelled.protocolo }));
    expect(await holdsParts(ctx, cancelled.ticket)).toBe(true);
    expect(await stored(ctx, sha256b64(own))).toBe(true);
    expect2xx(await cancel(ctx, cancelled));

    await sweep();
    expect(await holdsParts(ctx, cancelled.ticket)).toBe(false);
    expect(await events('retencao.partes_removidas')).toHaveLength(1);
    expect(await stored(ctx, sha256b64(own))).toBe(false);
    expect(await stored(ctx, sha256b64(shared))).toBe(true);
    expect(await bodyStored(ctx, cancelled.body)).toBe(true); // metadata kept for 30 days
    const removed = await events('retencao.componente_removido');
    expect(removed.map((e) => e.data?.hash)).toEqual([sha256b64(own)]);
    await sweep(); // nothing more to do, nothing recorded twice
    expect(await events('retencao.componente_removido')).toHaveLength(1);
    expect(await events('retencao.partes_removidas')).toHaveLength(1);
  });

  it('keeps the metadata of a cancelled trâmite 30 days, removes it after, and refuses its replay clearly', async () => {
    clock.set(new Date(t0 + 29 * DAY));
    await sweep();
    expect(await bodyStored(ctx, cancelled.body)).toBe(true);
    clock.set(new Date(t0 + 31 * DAY));
    await sweep();
    expect(await bodyStored(ctx, cancelled.body)).toBe(false);
    expect(await events('retencao.metadados_removidos')).toHaveLength(1);
    expectError(await ctx.municipio.metadados(cancelled.idt), 409, '9004');
    const r = await ctx.estado.call('POST', `NREs/${cancelled.nre}/destinatarios/200/2002/reproducoes-de-tramite`, { json: [] });
    expect(expectError(r, 409, '9011').mensagem).toContain('retenção');
  });

  it('keeps component bytes and metadata of concluded trâmites by default (purge off)', async () => {
    expect(await stored(ctx, sha256b64(shared))).toBe(true);
    expect(await bodyStored(ctx, live.body)).toBe(true);
    expect((await fetchMetadata(ctx, live)).processo.protocolo).toBe(live.protocolo);
    expectError(await ctx.municipio.baixarParte(live.idt, sha256b64(shared), live.protocolo, 0, shared.length), 409, '9004');
  });
});

describe('purge of component bytes of finished trâmites (ELO_PURGE_COMPONENTS_AFTER_DAYS)', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  let t0: number;
  let done: Tramite;
  let later: Tramite;
  const shared = bytesOf(96, 87);
  const own = bytesOf(80, 88);

  beforeAll(async () => {
    ctx = await startConformanceHub({ clock, env: { ELO_PURGE_COMPONENTS_AFTER_DAYS: '10' } });
    t0 = Date.now();
    clock.set(new Date(t0));
  });
  afterAll(async () => ctx?.close());
  const sweep = () => ctx.t.hub.services.autoCancel.sweep();

  it('removes the component bytes of a concluded trâmite N days after it concluded, keeps those an open trâmite needs, and still serves its metadata', async () => {
    done = await driveTo(ctx, 6, { documentos: [{ bytes: [shared, own] }] });
    clock.set(new Date(t0 + 9 * DAY));
    await sweep();
    expect(await stored(ctx, sha256b64(own))).toBe(true);
    later = await driveTo(ctx, 4, { documentos: [{ bytes: [shared] }] });
    clock.set(new Date(t0 + 10 * DAY + 60_000));
    await sweep();
    expect(await stored(ctx, sha256b64(own))).toBe(false);
    expect(await stored(ctx, sha256b64(shared))).toBe(true);
    const expired = await ctx.t.hub.store.audit.list({ idt: done.idt, kind: 'retencao.componentes_expirados' });
    expect(expired).toHaveLength(1);
    // metadata stays (spec §2.16: 6 keeps serving it), to both parties
    expect((await fetchMetadata(ctx, done)).processo.protocolo).toBe(done.protocolo);
    expect((await ctx.estado.metadados(done.idt)).status).toBe(200);
    // the open trâmite still downloads the shared bytes
    const d = await ctx.municipio.baixarParte(later.idt, sha256b64(shared), later.protocolo, 0, shared.length);
    expect(d.status, d.text).toBe(200);
    expect(d.bytes).toEqual(shared);
  });

  it('answers a download of purged bytes with a clear 410 naming the retention policy, changing nothing', async () => {
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.baixarParte(done.idt, sha256b64(own), done.protocolo, 0, own.length), 410, '9021');
    expect(msg).toContain('política de retenção');
    expect(msg).toContain('10 dias');
  });
});

describe.skipIf(onWorker)('removal is safe against a start referring to the same bytes at the same time', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    ctx = await startConformanceHub({ clock });
  });
  afterAll(async () => ctx?.close());

  it('keeps the body of a new trâmite identical to an expired cancelled one while the sweep was removing it', async () => {
    const t0 = Date.now();
    clock.set(new Date(t0));
    const old = await start(ctx);
    expect2xx(await cancel(ctx, old));
    clock.set(new Date(t0 + 31 * DAY));
    const blobs = ctx.t.hub.blobs;
    const hex = Buffer.from(sha256b64(new TextEncoder().encode(JSON.stringify(old.body))), 'base64').toString('hex');
    const key = `sha256/${hex}`;
    const locks = blobLocks(blobs);
    // The sweep stops just before deleting the file; a start of the very same bytes arrives then.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered!: () => void;
    const removing = new Promise<void>((r) => (entered = r));
    let gateOpen = false;
    let committedWhileRemoving = false;
    const { remove, commit } = blobs;
    blobs.remove = async (k) => {
      if (k === key) (entered(), await gate);
      return remove.call(blobs, k);
    };
    blobs.commit = async (s) => {
      if (s.key === key && !gateOpen) committedWhileRemoving = true;
      return commit.call(blobs, s);
    };
    try {
      const sweeping = ctx.t.hub.services.autoCancel.sweep();
      await removing;
      const again = ctx.estado.iniciarProcesso(old.body);
      // bounded: until the start waits for the blob (or, without the lock, committed meanwhile)
      for (let i = 0; i < 200_000 && locks.queued(key) < 2 && !committedWhileRemoving; i++) await new Promise((r) => setImmediate(r));
      gateOpen = true;
      open();
      await sweeping;
      const r = await again;
      expect(r.status, r.text).toBe(200);
    } finally {
      Object.assign(blobs, { remove, commit });
      gateOpen = true;
      open();
    }
    expect(await blobs.size(key)).not.toBeNull();
  });
});
