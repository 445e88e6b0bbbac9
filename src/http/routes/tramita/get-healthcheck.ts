import type { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';

/** `GET healthcheck` (spec §2.1): open, no certificate needed. */
export function registerHealthcheck(app: Hono<AppEnv>): void {
  app.get('/healthcheck', () => json({ status: 'ok' }));
}
