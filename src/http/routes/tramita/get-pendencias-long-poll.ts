import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';

/**
 * The optional long-poll pendências service (spec §2.15): holds the request until a pendência
 * not yet returned exists, then answers `{encontrou: true, IDT, status}`; answers
 * `{encontrou: false}` before the client's 300 s timeout. The wait is the service's: it is woken
 * by transitions, not by polling the database.
 */
export function registerGetPendenciasLongPoll(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/', async (c) => {
    const caller = c.get('caller');
    const acknowledged = Number(c.req.query('idTramiteDaPendenciaRecebida') ?? 0) || 0;
    // one installation needs one held request; the cap keeps a partner from pinning connections
    const release = deps.services.admission.enterLongPoll(caller.system.id);
    try {
      const next = await deps.services.longPoll.wait(caller, acknowledged, c.req.raw.signal);
      return json(next ? { encontrou: true, IDT: next.idt, status: next.situacao } : { encontrou: false });
    } finally {
      release();
    }
  });
}
