import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readStartBody } from '../../body.ts';
import type { LargeBodyGate } from '../../large-body-gate.ts';
import { json, startedTramite } from '../../wire.ts';
import { INLINE_START_BODY_BYTES } from '../../../domain/tramita/index.ts';

/** `POST tramites/processo` (spec §2.8). A large body takes its turn at `gate` (§1.5.9). */
export function registerPostTramiteProcesso(app: Hono<AppEnv>, deps: AppDeps, gate: LargeBodyGate): void {
  app.post('/tramites/processo', async (c) => {
    const { raw, done } = await readStartBody(c, { limit: deps.services.limits.maxJsonBytes, smallBytes: INLINE_START_BODY_BYTES, gate, reason: deps.services.limits.maxJsonReason });
    let started;
    try {
      started = await deps.services.start.startProcesso({ caller: c.get('caller'), rawBody: raw });
    } finally {
      done();
    }
    return json({ ...startedTramite(started.tramite), processosComComponentesDigitaisSolicitados: started.solicitados });
  });
}
