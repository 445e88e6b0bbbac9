import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parseBool } from '../../wire.ts';
import { repositoryView } from './directory-views.ts';

/** `GET repositorios-de-estruturas` (spec §2.2): `ativos` or `ativo`; 1 → only active. */
export function registerGetRepositorios(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/repositorios-de-estruturas', async (c) => {
    const onlyActive = parseBool(c.req.query('ativos') ?? c.req.query('ativo'));
    const all = await deps.services.directory.listRepositories();
    return json(all.filter((r) => onlyActive !== true || r.ativo).map(repositoryView));
  });
}
