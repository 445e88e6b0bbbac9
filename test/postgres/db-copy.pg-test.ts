import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createTramitaClient, type TramitaClient } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { startNodeHub } from '../../src/runtime/hub.ts';
import { copySqliteToPostgres, copyableSqliteTables, DatabaseCopyError } from '../../src/store/copy-sqlite-to-postgres.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { migrations as pgMigrations } from '../../src/store/postgres/migrations.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { freshDatabase, postgresSnapshot, testAuditChain } from '../harness/stores.ts';

/**
 * `elo db copy`: an embedded hub with real activity (a real test hub on SQLite, full trâmites
 * driven by two SEIs) moved to a fresh PostgreSQL database, proven equal table by table, and a
 * hub on PostgreSQL carrying on from the copy. Run by the PostgreSQL tier (vitest.pg.config.ts).
 */

let t: TestHub;
let source: string;
const work = mkdtempSync(join(tmpdir(), 'elo-copy-'));
const done: { idt: number; nre: string }[] = [];
let open: { idt: number; ticket: string; component: { bytes: Uint8Array; hash: string } };
let receiptBefore: unknown;

async function elo(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), env: { ELO_DATA_DIR: t.dir }, cwd: work });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const copy = (url: string, ...more: string[]) => elo(['db', 'copy', '--from', `sqlite:${source}`, '--to', url, ...more]);

async function withDatabase(fn: (url: string) => Promise<void>) {
  const db = await freshDatabase();
  try {
    await fn(db.url);
  } finally {
    await db.drop();
  }
}

async function pgQuery<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

const sqliteTables = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return copyableSqliteTables(db);
  } finally {
    db.close();
  }
};

/** A copy of the source file to change (the hub is stopped, so the file alone is the whole database). */
function sourceCopy(name: string): string {
  const file = join(work, name);
  copyFileSync(source, file);
  if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${file}-wal`);
  return file;
}

beforeAll(async () => {
  t = await startTestHub({ store: 'sqlite' });
  // a webhook, so that its outbox rows (a boolean among them) are copied like the rest; loopback is
  // refused at delivery, so no notification leaves the machine
  await t.hub.store.webhooks.setWebhook('sei-municipio', 'https://127.0.0.1:9/notificacoes', new Date().toISOString(), 'teste', { kind: 'webhook.definido', actor: 'teste' });
  const estado = t.client('sei-estado');
  const municipio = t.client('sei-municipio');
  for (const [i, [from, to, key]] of ([
    [estado, municipio, 'sei-municipio'],
    [municipio, estado, 'sei-estado'],
  ] as const).entries()) {
    const p = processoBody({
      protocolo: `COPIA-${i + 1}`,
      remetente: from === estado ? [100, '1002'] : [200, '2002'],
      destinatario: from === estado ? [200, '2002'] : [100, '1002'],
      documentos: [{ bytes: [bytesOf(3000, i + 1)] }, { bytes: [bytesOf(500, i + 10), bytesOf(700, i + 20)] }],
    });
    const d = await completeTramite(from as TramitaClient, to as TramitaClient, t.creds[key]!.key, p.body, p.components);
    expect((await (from as TramitaClient).reciboDeEnvio(d.idt)).status).toBe(200);
    done.push(d);
  }
  // one trâmite left waiting for its component (situação 1), to be carried on by the PostgreSQL hub
  const p = processoBody({ protocolo: 'COPIA-3', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(900, 33)] }] });
  const started = await estado.iniciarProcesso(p.body);
  expect(started.status, started.text).toBe(200);
  open = { idt: Number(started.body.IDT), ticket: String(started.body.ticketParaEnvioDeComponentesDigitais), component: p.components[0]! };
  receiptBefore = (await estado.recibo(done[0]!.idt)).body;
  // a declaration (a boolean false and a JSON list) and mapped local codes with history, copied like the rest
  await t.hub.services.capabilities.declare('sei-municipio', { mimeTypesAceitos: ['application/pdf'], envioParcial: false }, { source: 'sistema', actor: 'sei-municipio' });
  await t.hub.services.codeListMappings.importFile('sei-municipio', 'especies', new TextEncoder().encode('codigo;nome;federacao\nDESP;Despacho;42\nOF;Ofício;\n'), 'teste');
  // the embedded hub is stopped before it is moved (its folder stays: blobs, keys, admin token)
  await t.hub.close();
  source = t.paths.database;
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('elo db copy: moving an embedded hub to PostgreSQL', () => {
  it('copies every table of a hub with real activity in one go, with equal counts and hashes, and a hub on PostgreSQL carries on from the copy', async () => {
    await withDatabase(async (url) => {
      const r = await copy(url, '--json');
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out);
      expect(report).toMatchObject({ modo: 'copia', gravado: true, divergentes: [], migracoesAplicadasNoDestino: pgMigrations.map((_, i) => i + 1) });
      expect(report.destino).not.toContain(new URL(url).password || '\u0000');
      // every table of the embedded store, read from its catalogue, was copied and compared
      expect(report.tabelas.map((x: { tabela: string }) => x.tabela)).toEqual(sqliteTables(source));
      const rows = Object.fromEntries(report.tabelas.map((x: { tabela: string; origem: { linhas: number } }) => [x.tabela, x.origem.linhas]));
      expect(rows).toMatchObject({ tramites: 3, send_receipts: 2, completion_receipts: 2, admin_tokens: 1 });
      for (const table of ['participants', 'structures', 'systems', 'system_certificates', 'counters', 'nres', 'tramite_history', 'tramite_components', 'component_blobs', 'nre_documents', 'nre_holders', 'audit_events', 'system_capabilities', 'local_codes', 'local_code_mapping_history', 'system_webhooks', 'webhook_outbox'])
        expect(rows[table], table).toBeGreaterThan(0);
      for (const x of report.tabelas) expect(x.destino, x.tabela).toEqual(x.origem);

      // a hub node on the copy, with the same data folder (blobs, keys, admin token)
      const config = loadConfig({ ELO_DATA_DIR: t.dir, ELO_PORT: '0', ELO_HOST: '127.0.0.1', ELO_DATABASE_URL: url }, t.dir);
      const hub = await startNodeHub(config);
      const estado = createTramitaClient({ hubUrl: hub.url, credentials: t.creds['sei-estado']! });
      const municipio = createTramitaClient({ hubUrl: hub.url, credentials: t.creds['sei-municipio']! });
      const agent = new Agent({ connect: { ca: t.caPem } });
      try {
        // the copied trâmite is readable with its receipts
        const receipt = await estado.recibo(done[0]!.idt);
        expect(receipt.status, receipt.text).toBe(200);
        expect(receipt.body).toEqual(receiptBefore);
        expect((await municipio.tramites({ IDT: done[0]!.idt })).body.tramites[0]!.situacaoAtual).toBe(6);
        const admin = await fetch(`${hub.url}/admin/api/tramites/${done[1]!.idt}`, {
          dispatcher: agent,
          headers: { authorization: `Bearer ${readFileSync(t.paths.adminToken, 'utf8').trim()}` },
        });
        expect(admin.status).toBe(200);
        // the open trâmite goes on: its requested component arrives (its blob stays in the shared folder)
        const up = await estado.enviarComponente(open.ticket, { ...open.component, protocolo: 'COPIA-3' });
        expect(up.status, up.text).toBe(200);
        expect((await estado.tramites({ IDT: open.idt })).body.tramites[0]!.situacaoAtual).toBe(2);
        // a new trâmite gets an IDT after the copied ones, and its audit events a seq after theirs
        const maxSeq = Number((await pgQuery<{ m: string }>(url, 'SELECT max(seq) AS m FROM audit_events'))[0]!.m);
        const p = processoBody({ protocolo: 'DEPOIS-1', remetente: [200, '2002'], destinatario: [100, '1002'], documentos: [{ bytes: [bytesOf(400, 77)] }] });
        const next = await completeTramite(municipio, estado, t.creds['sei-estado']!.key, p.body, p.components);
        expect(next.idt).toBeGreaterThan(Math.max(open.idt, ...done.map((d) => d.idt)));
        expect([...done.map((d) => d.nre)]).not.toContain(next.nre);
        const after = await pgQuery<{ seq: string }>(url, 'SELECT seq FROM audit_events WHERE idt = $1 ORDER BY seq', [next.idt]);
        expect(after.length).toBeGreaterThan(0);
        expect(Number(after[0]!.seq)).toBeGreaterThan(maxSeq);
      } finally {
        await estado.close();
        await municipio.close();
        await agent.close();
        await hub.close();
      }
    });
  });

  it('refuses a target that already holds a hub and leaves it exactly as it was (never merges)', async () => {
    await withDatabase(async (url) => {
      expect((await copy(url)).code).toBe(0);
      const before = postgresSnapshot(url);
      const again = await copy(url);
      expect(again.code).toBe(1);
      expect(again.err).toContain('já tem dados');
      expect(again.err).toContain('Nada foi alterado no destino.');
      expect(postgresSnapshot(url)).toEqual(before);
    });
  });

  it('refuses a database holding anything else before creating the schema in it', async () => {
    await withDatabase(async (url) => {
      await pgQuery(url, 'CREATE TABLE planilha (linha INTEGER); INSERT INTO planilha VALUES (1)');
      const before = postgresSnapshot(url);
      const r = await copy(url);
      expect(r.code).toBe(1);
      expect(r.err).toContain('planilha: 1 linha(s)');
      expect(postgresSnapshot(url)).toEqual(before);
    });
  });

  it('simulates the copy, checking everything, and writes no row', async () => {
    await withDatabase(async (url) => {
      const r = await copy(url, '--simular');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('Simulação concluída');
      expect(Object.values(postgresSnapshot(url)).filter((rows) => rows.length > 0)).toEqual([pgMigrations.map((_, i) => ({ version: i + 1, applied_at: expect.any(String) }))]);
      expect((await copy(url)).code).toBe(0);
    });
  });

  it('verifies a copied pair and names the table of a row changed, a boolean flipped or a row removed afterwards', async () => {
    await withDatabase(async (url) => {
      expect((await copy(url)).code).toBe(0);
      const ok = await copy(url, '--verificar');
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toMatch(/^tramites +3 +3 +[0-9a-f]{16} +[0-9a-f]{16} +igual$/m);
      expect(ok.out).toContain('Verificação concluída');

      await pgQuery(url, `UPDATE tramite_history SET at = at || ' ' WHERE (idt, seq) = (SELECT idt, seq FROM tramite_history ORDER BY idt, seq LIMIT 1)`);
      const changed = await copy(url, '--verificar');
      expect(changed.code).toBe(1);
      expect(changed.err).toBe('O par copiado difere: contagem ou hash diferente em tramite_history.');
      expect(changed.out).toMatch(/^tramite_history .* DIFERENTE$/m);

      await pgQuery(url, `UPDATE structures SET apto_enviar = NOT apto_enviar WHERE (repository_id, numero) = (SELECT repository_id, numero FROM structures ORDER BY 1, 2 LIMIT 1)`);
      await pgQuery(url, `DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)`);
      const more = await copy(url, '--verificar', '--json');
      expect(more.code).toBe(1);
      const report = JSON.parse(more.out);
      expect(report.divergentes).toEqual(['audit_events', 'structures', 'tramite_history']);
      const audit = report.tabelas.find((x: { tabela: string }) => x.tabela === 'audit_events');
      expect(audit.destino.linhas).toBe(audit.origem.linhas - 1);
    });
  });

  it('copies a table added to both schemas without a change to the copy, booleans, nulls and its sequence included, and never reuses a SQLite AUTOINCREMENT id', async () => {
    const file = sourceCopy('com-tabela-nova.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE extra_sample (id INTEGER PRIMARY KEY, nome TEXT NOT NULL, ativo INTEGER NOT NULL, nota TEXT) STRICT`);
    const ins = db.prepare('INSERT INTO extra_sample VALUES (?, ?, ?, ?)');
    ins.run(3, 'três "aspas" e ção', 1, null);
    ins.run(1, 'um', 0, 'nota\nem duas linhas');
    ins.run(2, '', 1, '');
    // SQLite promised never to give this audit seq again (AUTOINCREMENT): PostgreSQL must keep that promise
    const lastSeq = Number((db.prepare('SELECT max(seq) AS m FROM audit_events').get() as { m: number }).m);
    db.prepare('DELETE FROM audit_events WHERE seq = ?').run(lastSeq);
    db.close();
    await withDatabase(async (url) => {
      await (await openPostgresStore(url, { audit: testAuditChain() })).close();
      await pgQuery(url, 'CREATE TABLE extra_sample (id BIGSERIAL PRIMARY KEY, nome TEXT NOT NULL, ativo BOOLEAN NOT NULL, nota TEXT)');
      const r = await elo(['db', 'copy', '--from', `sqlite:${file}`, '--to', url, '--json']);
      expect(r.code, r.err).toBe(0);
      const report = JSON.parse(r.out);
      expect(report.migracoesAplicadasNoDestino).toEqual([]);
      expect(report.tabelas.find((x: { tabela: string }) => x.tabela === 'extra_sample')).toMatchObject({ origem: { linhas: 3 }, igual: true });
      expect(await pgQuery(url, 'SELECT * FROM extra_sample ORDER BY id')).toEqual([
        { id: '1', nome: 'um', ativo: false, nota: 'nota\nem duas linhas' },
        { id: '2', nome: '', ativo: true, nota: '' },
        { id: '3', nome: 'três "aspas" e ção', ativo: true, nota: null },
      ]);
      // its serial column, like every identity, continues after the copied ids
      expect(await pgQuery(url, `INSERT INTO extra_sample (nome, ativo) VALUES ('quatro', true) RETURNING id`)).toEqual([{ id: '4' }]);
      const store = await openPostgresStore(url, { audit: testAuditChain() });
      try {
        await store.audit.append({ kind: 'teste', actor: 'teste' }, '2026-01-01T00:00:00Z');
        expect((await store.audit.list({ kind: 'teste' }))[0]!.seq).toBe(lastSeq + 1);
      } finally {
        await store.close();
      }
    });
  });

  it('undoes the copy when the source is written while it runs (a hub left running), leaving the target empty', async () => {
    const file = sourceCopy('hub-ainda-rodando.sqlite');
    const writer = new Database(file);
    try {
      await withDatabase(async (url) => {
        const copied: string[] = [];
        const run = copySqliteToPostgres({
          sqliteFile: file,
          postgresUrl: url,
          mode: 'copia',
          progress: ({ tabela }) => {
            copied.push(tabela);
            // the running hub records something after the copy read its snapshot
            if (copied.length === 1) writer.prepare(`INSERT INTO admin_tokens (token_sha256, role, label, created_at) VALUES (?, 'monitor', 'tarde', '2026-01-01T00:00:00Z')`).run('f'.repeat(64));
          },
        });
        await expect(run).rejects.toThrow(DatabaseCopyError);
        await expect(run).rejects.toThrow(`O banco de origem ${file} foi alterado durante a cópia (o hub ainda está rodando?)`);
        expect(copied.length).toBe(sqliteTables(file).length);
        expect(Object.entries(postgresSnapshot(url)).filter(([name, rows]) => name !== 'schema_migrations' && rows.length > 0)).toEqual([]);
      });
    } finally {
      writer.close();
    }
  });

  it('refuses, naming them, a table or a column only one side has, and writes nothing', async () => {
    const file = sourceCopy('com-tabela-a-mais.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE so_na_origem (id INTEGER PRIMARY KEY) STRICT; ALTER TABLE counters ADD COLUMN extra TEXT`);
    db.close();
    await withDatabase(async (url) => {
      const r = await elo(['db', 'copy', '--from', `sqlite:${file}`, '--to', url]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('a tabela so_na_origem existe só na origem');
      expect(r.err).toContain('a coluna counters.extra existe só na origem');
      expect(r.err).toContain('Nada foi copiado.');
      expect(Object.entries(postgresSnapshot(url)).filter(([name, rows]) => name !== 'schema_migrations' && rows.length > 0)).toEqual([]);
    });
  });
});

describe('elo migrate on PostgreSQL', () => {
  const migrateOn = async (url: string, json = true) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['migrate', ...(json ? ['--json'] : [])], { out: (x) => out.push(x), err: (x) => err.push(x), env: { ELO_DATA_DIR: work, ELO_DATABASE_URL: url }, cwd: work });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('applies the schema of ELO_DATABASE_URL once, even when run together with nodes starting on it, and says which versions were there', async () => {
    await withDatabase(async (url) => {
      const [a, b, node] = await Promise.all([migrateOn(url), migrateOn(url), openPostgresStore(url, { audit: testAuditChain() })]);
      await node.close();
      expect([a.code, b.code], a.err + b.err).toEqual([0, 0]);
      const reports = [JSON.parse(a.out), JSON.parse(b.out)];
      expect(reports.map((r) => r.banco)).toEqual([expect.stringMatching(/^postgres:\/\//), expect.stringMatching(/^postgres:\/\//)]);
      // each version applied by exactly one of them (or by the node), never twice
      expect(reports.flatMap((r) => r.aplicadas).length).toBeLessThanOrEqual(pgMigrations.length);
      const again = await migrateOn(url, false);
      expect(again.code, again.err).toBe(0);
      expect(again.out).toContain('Migrações aplicadas agora: nenhuma.');
      expect(again.out).toContain(`Migrações que já estavam aplicadas: ${pgMigrations.length > 1 ? `1–${pgMigrations.length}` : '1'}.`);
      expect(await pgQuery(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(pgMigrations.map((_, i) => ({ version: i + 1 })));
    });
  });

  it('reports a database migrated by a newer Elo and exits 1', async () => {
    await withDatabase(async (url) => {
      await (await openPostgresStore(url, { audit: testAuditChain() })).close();
      await pgQuery(url, `INSERT INTO schema_migrations VALUES (99, now()::text)`);
      const r = await migrateOn(url);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).desconhecidas).toEqual([99]);
      expect(r.err).toContain('migrações que este Elo não conhece (99)');
      // and a copy into it is refused
      const c = await copy(url);
      expect(c.code).toBe(1);
      expect(c.err).toContain('migrações mais novas que as deste Elo (99)');
    });
  });
});
