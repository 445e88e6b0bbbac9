/**
 * Elo on Cloudflare Workers (wrangler.toml `main`; README "Rodando na Cloudflare"): the same Hono
 * app as on Node. The module's exports are what the runtime looks for: the handlers (default) and
 * the Durable Object class of the `PENDENCIAS` binding.
 */
import { eloWorker } from './elo-worker.ts';

export { PendenciasDoSistema } from './pendencias-object.ts';

const worker = eloWorker();
export default { fetch: worker.fetch, scheduled: worker.scheduled };
