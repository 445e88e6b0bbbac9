import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createTramitaClient, type TramitaClient } from '../../src/client/tramita-client.ts';
import { backupDataDir, MANIFEST } from '../../src/runtime/backup.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { startNodeHub } from '../../src/runtime/hub.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/**
 * `elo backup` taken while a real hub completes trâmites for concurrent clients, and `elo
 * restore` into a fresh folder: a hub started on it serves the same trâmites, receipts whose
 * signatures verify, and the same bytes.
 */

let t: TestHub;
const work = mkdtempSync(join(tmpdir(), 'elo-backup-'));
const backup = join(work, 'copia');
const restored = join(work, 'restaurado');
/** Every component sent, by its hash (base64, as the protocol names it). */
const bytesByHash = new Map<string, Uint8Array>();
/** A trâmite left in 2 (components received, receiver not yet served) when the backup is taken. */
let waiting: { idt: number; protocolo: string; components: { bytes: Uint8Array; hash: string }[] };

async function elo(args: string[], env: Record<string, string> = t.env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd: work });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function pkg(n: number, from: 'estado' | 'municipio') {
  const p = processoBody({
    protocolo: `BACKUP-${n}`,
    remetente: from === 'estado' ? [100, '1002'] : [200, '2002'],
    destinatario: from === 'estado' ? [200, '2002'] : [100, '1002'],
    documentos: [{ bytes: [bytesOf(2000 + n, n)] }, { bytes: [bytesOf(700, n + 50)] }],
  });
  for (const c of p.components) bytesByHash.set(c.hash, c.bytes);
  return p;
}

async function complete(n: number, from: 'estado' | 'municipio') {
  const p = pkg(n, from);
  const [s, r, key] = from === 'estado' ? (['sei-estado', 'sei-municipio', 'sei-municipio'] as const) : (['sei-municipio', 'sei-estado', 'sei-estado'] as const);
  return completeTramite(t.client(s), t.client(r), t.creds[key]!.key, p.body, p.components);
}

/** The hub's signature on a send receipt (spec §2.14), checked with the certificate it names. */
function sendReceiptVerifies(r: Record<string, any>): boolean {
  const rec = r.reciboDeEnvio;
  const signed =
    `<reciboDeEnvio><IDT>${rec.IDT}</IDT><NRE>${rec.NRE}</NRE><dataDeRecebimentoDoUltimoComponenteDigital>${rec.dataDeRecebimentoDoUltimoComponenteDigital}</dataDeRecebimentoDoUltimoComponenteDigital>` +
    rec.hashesDosComponentesDigitais.map((h: string) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`).join('') +
    '</reciboDeEnvio>';
  const cert = new X509Certificate(r.cadeiaDoCertificado);
  return createVerify('sha256').update(signed).verify(cert.publicKey, r.hashDaAssinatura, 'base64');
}

const tree = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p.slice(dir.length));
    }
  };
  walk(dir);
  return out.sort();
};

beforeAll(async () => {
  t = await startTestHub({ store: 'sqlite' });
  await complete(1, 'estado');
  await complete(2, 'municipio');
  const p = pkg(3, 'estado');
  const estado = t.client('sei-estado');
  const started = await estado.iniciarProcesso(p.body);
  expect(started.status, started.text).toBe(200);
  for (const c of p.components) {
    const up = await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...c, protocolo: 'BACKUP-3' });
    expect(up.status, up.text).toBe(200);
  }
  // the command's module loaded now, so the backup below starts as soon as it is asked to
  expect((await elo(['backup', '--help'])).code).toBe(0);
  waiting = { idt: Number(started.body.IDT), protocolo: 'BACKUP-3', components: p.components };
}, 60_000);

afterAll(async () => {
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('elo backup and elo restore', () => {
  it('takes a consistent backup while clients complete trâmites, and a hub restored from it serves the same trâmites, receipts and bytes', async () => {
    // two SEIs each sending three trâmites one after the other; the backup starts once the first
    // of them is done, so it runs while the others are being started, uploaded, downloaded and
    // receipted
    let firstDone!: () => void;
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    const chain = async (from: 'estado' | 'municipio', ns: number[]) => {
      const out = [];
      for (const n of ns) {
        out.push(await complete(n, from));
        firstDone();
      }
      return out;
    };
    // and one trâmite caught in the middle: started, one of its two components sent when the
    // backup begins, the other sent while it runs
    const p = pkg(20, 'municipio');
    const municipio0 = t.client('sei-municipio');
    let midReady!: () => void;
    const midStarted = new Promise<void>((resolve) => (midReady = resolve));
    let mid!: { idt: number; ticket: string };
    const midFlight = (async () => {
      const started = await municipio0.iniciarProcesso(p.body);
      expect(started.status, started.text).toBe(200);
      mid = { idt: Number(started.body.IDT), ticket: String(started.body.ticketParaEnvioDeComponentesDigitais) };
      const [c0, c1] = p.components;
      expect((await municipio0.enviarComponente(mid.ticket, { ...c0!, protocolo: 'BACKUP-20' })).status).toBe(200);
      midReady();
      expect((await municipio0.enviarComponente(mid.ticket, { ...c1!, protocolo: 'BACKUP-20' })).status).toBe(200);
    })();
    const load = Promise.all([chain('estado', [10, 12, 14]), chain('municipio', [11, 13, 15]), midFlight]);
    await first;
    await midStarted;
    const b = await elo(['backup', backup, '--json']);
    const finished = (await load).slice(0, 2).flat();
    expect(b.code, b.err).toBe(0);
    const manifest = JSON.parse(b.out);
    expect(manifest).toMatchObject({ formato: 'elo-backup/1', tentativas: 1 });
    expect(manifest.totais.tramites).toBeGreaterThanOrEqual(3);
    expect(manifest.arquivos.map((f: { caminho: string }) => f.caminho)).toEqual(expect.arrayContaining(['pki/hub-assinatura.key.pem', 'pki/federacao-ac.key.pem', 'admin-token']));
    // private like the data folder: keys 0600, folders 0700
    expect(statSync(backup).mode & 0o777).toBe(0o700);
    expect(statSync(join(backup, 'pki')).mode & 0o777).toBe(0o700);
    expect(statSync(join(backup, 'pki', 'hub-assinatura.key.pem')).mode & 0o777).toBe(0o600);
    for (const blob of manifest.blobs) expect(statSync(join(backup, 'blobs', 'sha256', blob.chave.slice(7, 9), blob.chave.slice(9, 11), blob.chave.slice(7))).mode & 0o777).toBe(0o600);

    // what the original had at the snapshot: the backup's own database
    const snap = new Database(join(backup, 'elo.sqlite'), { readonly: true });
    const atSnapshot = snap.prepare('SELECT idt, situacao FROM tramites ORDER BY idt').all() as { idt: number; situacao: number }[];
    const componentKeys = snap.prepare('SELECT hash, blob_key AS key FROM component_blobs').all() as { hash: string; key: string }[];
    const midReceived = (snap.prepare('SELECT hash FROM tramite_components WHERE idt = ? AND received = 1').all(mid.idt) as { hash: string }[]).map((x) => x.hash);
    snap.close();
    expect(atSnapshot.find((x) => x.idt === waiting.idt)?.situacao).toBe(2);
    // every trâmite that was already in 6 at the snapshot, with the original's receipts
    const estado = t.client('sei-estado');
    const municipio = t.client('sei-municipio');
    const original = new Map<number, { envio: unknown; conclusao: unknown; metadados: unknown; sender: 'estado' | 'municipio' }>();
    for (const { idt, situacao } of atSnapshot) {
      if (situacao !== 6) continue;
      const own = (await estado.reciboDeEnvio(idt)).status === 200 ? 'estado' : 'municipio';
      const c = own === 'estado' ? estado : municipio;
      original.set(idt, { envio: (await c.reciboDeEnvio(idt)).body, conclusao: (await c.recibo(idt)).body, metadados: (await c.metadados(idt)).body, sender: own });
    }
    expect(original.size).toBeGreaterThanOrEqual(2);

    const r = await elo(['restore', backup, '--data-dir', restored]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Restaurado em ${restored}`);
    expect(statSync(join(restored, 'pki', 'federacao-ac.key.pem')).mode & 0o777).toBe(0o600);

    const hub = await startNodeHub(loadConfig({ ELO_DATA_DIR: restored, ELO_PORT: '0', ELO_HOST: '127.0.0.1', ELO_LOG_LEVEL: 'warn' }, restored));
    const clients: TramitaClient[] = [];
    const client = (id: 'sei-estado' | 'sei-municipio') => {
      const c = createTramitaClient({ hubUrl: hub.url, credentials: t.creds[id]! });
      clients.push(c);
      return c;
    };
    try {
      const e2 = client('sei-estado');
      const m2 = client('sei-municipio');
      for (const { idt, situacao } of atSnapshot) {
        const view = await e2.tramites({ IDT: idt });
        const seen = view.status === 200 && view.body.tramites.length ? view.body.tramites[0] : (await m2.tramites({ IDT: idt })).body.tramites[0];
        expect(seen?.situacaoAtual, `IDT ${idt}`).toBe(situacao);
      }
      for (const [idt, o] of original) {
        const c = o.sender === 'estado' ? e2 : m2;
        const envio = await c.reciboDeEnvio(idt);
        expect(envio.body, `IDT ${idt}`).toEqual(o.envio);
        expect(sendReceiptVerifies(envio.body)).toBe(true);
        expect((await c.recibo(idt)).body).toEqual(o.conclusao);
        expect((await c.metadados(idt)).body).toEqual(o.metadados);
      }
      // the trâmite caught in the middle goes on from where the snapshot left it: the sender
      // sends what the restored hub has not received, the receiver gets every byte and receipts
      const midAt = atSnapshot.find((x) => x.idt === mid.idt)!.situacao;
      expect([1, 2]).toContain(midAt);
      for (const c of p.components)
        if (!midReceived.includes(c.hash)) {
          const up = await m2.enviarComponente(mid.ticket, { ...c, protocolo: 'BACKUP-20' });
          expect(up.status, up.text).toBe(200);
        }
      expect((await e2.metadados(mid.idt)).status).toBe(200);
      for (const c of p.components) {
        const d = await e2.baixarParte(mid.idt, c.hash, 'BACKUP-20', 0, c.bytes.length);
        expect(d.status, d.text).toBe(200);
        expect(sha256hex(d.bytes!)).toBe(sha256hex(c.bytes));
      }
      // the trâmite waiting in 2 goes on: the receiver downloads the bytes sent before the backup
      expect((await m2.metadados(waiting.idt)).status).toBe(200);
      for (const c of waiting.components) {
        const d = await m2.baixarParte(waiting.idt, c.hash, waiting.protocolo, 0, c.bytes.length);
        expect(d.status, d.text).toBe(200);
        expect(sha256hex(d.bytes!)).toBe(sha256hex(c.bytes));
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
    }
    // every component the snapshot knows has its exact bytes in the restored folder
    for (const { hash, key } of componentKeys) {
      const hex = key.slice(7);
      const file = readFileSync(join(restored, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex));
      expect(sha256hex(file)).toBe(hex);
      expect(createHash('sha256').update(bytesByHash.get(hash)!).digest('hex')).toBe(hex);
    }
    const db = new Database(join(restored, 'elo.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(finished).toHaveLength(6);
  }, 30_000);

  it('refuses a destination that is not empty and writes nothing into it', async () => {
    const dest = join(work, 'ocupado');
    mkdirSync(dest);
    writeFileSync(join(dest, 'outro.txt'), 'não mexa');
    const r = await elo(['backup', dest]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('não está vazio');
    expect(tree(dest)).toEqual(['/outro.txt']);
  });

  it('refuses a destination inside the data folder it copies', async () => {
    const r = await elo(['backup', join(t.dir, 'copia')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('dentro da pasta de dados');
    expect(existsSync(join(t.dir, 'copia'))).toBe(false);
  });

  it('refuses to restore into a folder that is not empty', async () => {
    const target = join(work, 'pasta-usada');
    mkdirSync(target);
    writeFileSync(join(target, 'elo.sqlite'), 'outro hub');
    const r = await elo(['restore', backup, '--data-dir', target]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('não está vazia');
    expect(readFileSync(join(target, 'elo.sqlite'), 'utf8')).toBe('outro hub');
  });

  it('refuses a backup with a corrupted blob, naming it, and writes nothing', async () => {
    const bad = join(work, 'copia-corrompida');
    cpSync(backup, bad, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(bad, MANIFEST), 'utf8'));
    const key: string = manifest.blobs[0].chave;
    const hex = key.slice(7);
    const file = join(bad, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
    const bytes = readFileSync(file);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(file, bytes);
    const target = join(work, 'nunca');
    const r = await elo(['restore', bad, '--data-dir', target]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(key);
    expect(r.err).toContain('Nada foi restaurado');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(work).filter((n) => n.startsWith('nunca'))).toEqual([]);
  });

  it('refuses a manifest naming a path outside the backup and writes nothing', async () => {
    const bad = join(work, 'copia-adulterada');
    cpSync(backup, bad, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(bad, MANIFEST), 'utf8'));
    manifest.arquivos[0].caminho = '../../etc/elo-intruso';
    writeFileSync(join(bad, MANIFEST), JSON.stringify(manifest));
    const target = join(work, 'nunca-2');
    const r = await elo(['restore', bad, '--data-dir', target]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('caminho inválido: ../../etc/elo-intruso');
    expect(existsSync(target)).toBe(false);
  });

  it('takes a new snapshot when the retention sweep removes a blob after the snapshot, and refuses when a blob the hub still references is missing', async () => {
    // the restored folder (its hub stopped) plays the live hub here
    const live = new Database(join(restored, 'elo.sqlite'));
    const victim = live.prepare('SELECT hash, blob_key AS key FROM component_blobs ORDER BY stored_at LIMIT 1').get() as { hash: string; key: string };
    live.close();
    const hex = victim.key.slice(7);
    const path = join(restored, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
    const retries: number[] = [];
    const m = await backupDataDir(restored, join(work, 'copia-varredura'), {
      now: () => new Date(),
      onRetry: (e) => retries.push(e.tentativa),
      // what the sweep does (services/storage/retention.ts): forget the blob, then delete its file
      afterSnapshot: async (attempt) => {
        if (attempt !== 1) return;
        const db = new Database(join(restored, 'elo.sqlite'));
        db.prepare('DELETE FROM component_blobs WHERE hash = ?').run(victim.hash);
        db.close();
        unlinkSync(path);
      },
    });
    expect(retries).toEqual([2]);
    expect(m.tentativas).toBe(2);
    expect(m.blobs.map((b) => b.chave)).not.toContain(victim.key);
    expect(existsSync(join(work, 'copia-varredura', 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex))).toBe(false);

    // a file the database still references is gone: a damaged folder, named
    const db = new Database(join(restored, 'elo.sqlite'), { readonly: true });
    const other = (db.prepare('SELECT blob_key AS key FROM component_blobs LIMIT 1').get() as { key: string }).key;
    db.close();
    const ohex = other.slice(7);
    unlinkSync(join(restored, 'blobs', 'sha256', ohex.slice(0, 2), ohex.slice(2, 4), ohex));
    const r = await elo(['backup', join(work, 'copia-danificada')], { ELO_DATA_DIR: restored });
    expect(r.code).toBe(1);
    expect(r.err).toContain(other);
  });

  it('refuses a hub on PostgreSQL, pointing at pg_dump', async () => {
    const r = await elo(['backup', join(work, 'pg')], { ELO_DATA_DIR: t.dir, ELO_DATABASE_URL: 'postgres://elo:x@127.0.0.1:1/elo' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('pg_dump');
    expect(existsSync(join(work, 'pg'))).toBe(false);
  });
});
