import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.ts';
import { openConfiguredStore } from '../../src/runtime/data-dir-access.ts';

describe('ELO_DATABASE_URL selects the store', () => {
  it('keeps the embedded SQLite file of the data folder when no database URL is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-dburl-'));
    try {
      const config = loadConfig({ ELO_DATA_DIR: dir }, dir);
      expect(config.databaseUrl).toBeUndefined();
      const store = await openConfiguredStore(config);
      expect('db' in store && !('pool' in store)).toBe(true);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a postgres:// URL from ELO_DATABASE_URL and refuses anything else, naming the variable', () => {
    const url = 'postgres://elo:segredo@db.interno:5432/elo';
    expect(loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_DATABASE_URL: url }, '/tmp').databaseUrl).toBe(url);
    expect(loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_DATABASE_URL: 'postgresql://h/elo' }, '/tmp').databaseUrl).toBe('postgresql://h/elo');
    for (const bad of ['mysql://h/elo', '/var/lib/elo.sqlite', 'postgres://']) {
      const attempt = () => loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_DATABASE_URL: bad }, '/tmp');
      expect(attempt, bad).toThrow(ConfigError);
      expect(attempt, bad).toThrow(/databaseUrl.*ELO_DATABASE_URL.*postgres:\/\//s);
    }
  });
});

describe('an unreachable PostgreSQL', () => {
  it('stops with a Portuguese message naming the server, without the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-dburl-'));
    try {
      // port 1 on loopback: nothing listens there
      const config = loadConfig({ ELO_DATA_DIR: dir, ELO_DATABASE_URL: 'postgres://elo:segredo@127.0.0.1:1/elo' }, dir);
      const attempt = openConfiguredStore(config);
      await expect(attempt).rejects.toThrow(/Não foi possível abrir o banco PostgreSQL de ELO_DATABASE_URL \(postgres:\/\/elo:\*\*\*@127\.0\.0\.1:1\/elo\)/);
      await expect(attempt).rejects.not.toThrow(/segredo/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
