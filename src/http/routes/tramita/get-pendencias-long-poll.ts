import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';

const POLL_EVERY_MS = 250;

/**
 * The optional long-poll pendências service (spec §2.15): holds the request until a pendência
 * not yet returned exists, then answers `{encontrou: true, IDT, status}`; answers
 * `{encontrou: false}` before the client's 300 s timeout.
 */
export function registerGetPendenciasLongPoll(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/', async (c) => {
    const caller = c.get('caller');
    const acknowledged = Number(c.req.query('idTramiteDaPendenciaRecebida') ?? 0) || 0;
    const deadline = Date.now() + deps.services.deps.settings.longPollMs;
    const aborted = c.req.raw.signal;
    // one installation needs one held request; the cap keeps a partner from pinning connections
    const release = deps.services.admission.enterLongPoll(caller.system.id);
    try {
      for (;;) {
        const next = await deps.services.query.nextLongPollPendencia(caller, acknowledged);
        if (next) return json({ encontrou: true, IDT: next.idt, status: next.situacao });
        if (Date.now() + POLL_EVERY_MS >= deadline || aborted?.aborted) return json({ encontrou: false });
        await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
      }
    } finally {
      release();
    }
  });
}
