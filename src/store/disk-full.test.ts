import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEloError } from '../domain/errors.ts';
import type { FederationSeed } from '../domain/registry.ts';
import { testAuditChain } from '../../test/harness/stores.ts';
import { refusingWhenFull } from './disk-full.ts';
import type { Store } from './index.ts';
import { openSqliteStore } from './sqlite/index.ts';

const seed = (units: number): FederationSeed => ({
  participantes: [{ id: 'p1', cnpj: '00000000000191', nome: 'P1', esfera: 'estadual', ativo: true }],
  repositorios: [{ id: 1, nome: 'R', ativo: true, participante: 'p1' }],
  estruturas: Array.from({ length: units }, (_, i) => ({
    repositorio: 1,
    numero: String(10 + i),
    pai: i === 0 ? null : '10',
    nome: `Unidade de nome longo o bastante para ocupar páginas ${i} ${'x'.repeat(200)}`,
    sigla: `U${i}`,
    ativo: true,
    unidadeReceptora: false,
    aptoParaReceberTramites: true,
    aptoParaEnviarTramites: true,
    codigoNoOrgaoEntidade: '',
    codigoUnidadeReceptora: '',
  })),
  sistemas: [],
});

describe('a database that meets a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elo-banco-cheio-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 507 (9020) in Portuguese when SQLite cannot grow, keeps nothing of the write, and goes on reading', async () => {
    const store = openSqliteStore(join(dir, 'elo.sqlite'), { audit: testAuditChain() });
    await store.registry.applySeed(seed(1), '2026-01-01T00:00:00Z');
    const before = store.db.prepare('SELECT COUNT(*) AS n FROM structures').get();
    // the file may not grow past the pages it has: what a full disk does to SQLite (SQLITE_FULL)
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);
    const refused = await store.registry.applySeed(seed(2_000), '2026-01-02T00:00:00Z').catch((e: unknown) => e);
    expect(isEloError(refused) && refused.status).toBe(507);
    expect(isEloError(refused) && refused.codigoErro).toBe('9020');
    expect(isEloError(refused) && refused.mensagem).toMatch(/sem espaço em disco; nada desta operação foi gravado/);
    expect(isEloError(refused) && refused.details).toEqual({ motivo: 'SQLITE_FULL' });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM structures').get()).toEqual(before);
    expect((await store.registry.listStructures(1)).map((s) => s.numero)).toEqual(['10']);
    // space returns: the same write goes through
    store.db.pragma('max_page_count = 1073741823');
    await store.registry.applySeed(seed(2_000), '2026-01-02T00:00:00Z');
    expect((await store.registry.listStructures(1)).length).toBe(2_000);
    await store.close();
  });

  it('turns PostgreSQL’s disk_full (53100), thrown or rejected, into the same 507, and leaves every other error as it was', async () => {
    const diskFull = Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), { code: '53100' });
    const other = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const fake = {
      registry: {
        listSystems: async () => Promise.reject(diskFull),
        getSystem: () => {
          throw diskFull;
        },
        listBindings: async () => Promise.reject(other),
        directoryVersion: async () => 7,
      },
    } as unknown as Store;
    for (const port of ['tramites', 'audit', 'tokens', 'retention', 'onboarding', 'mappings', 'codeLists', 'codeMappings', 'capabilities', 'monitoring', 'webhooks', 'seals'])
      (fake as unknown as Record<string, object>)[port] = {};
    const store = refusingWhenFull(fake, (e) => ((e as { code?: string }).code === '53100' ? '53100' : null));
    for (const call of [() => store.registry.listSystems(), async () => store.registry.getSystem('x')]) {
      const e = await call().catch((x: unknown) => x);
      expect(isEloError(e) && [e.status, e.codigoErro, e.details]).toEqual([507, '9020', { motivo: '53100' }]);
    }
    expect(await store.registry.listBindings().catch((x: unknown) => x)).toBe(other);
    expect(await store.registry.directoryVersion()).toBe(7);
  });
});
