/**
 * Elo's Worker with the test's clock, as the Node test hub takes an injected one
 * (harness/hub.ts): the same handlers and Durable Object as `src/runtime/workers/index.ts`, built
 * by wrangler from this entry instead, for the conformance files that move the hub's clock
 * (auto-cancel, pendências long-poll). Never deployed: wrangler.toml's `main` is the real entry.
 *
 * The clock is the test's FixedClock, carried to the isolate by the loopback edge on every request
 * (`x-elo-teste-agora`, epoch ms) and by the Cron Trigger's `scheduledTime`; before either, the
 * runtime's. `/__teste/cancelamento-automatico` runs the automatic-cancel sweep and answers its
 * count, which a Cron Trigger cannot return.
 */
import { eloWorker, type ExecutionContext } from '../../../src/runtime/workers/elo-worker.ts';
import type { WorkerEnv } from '../../../src/runtime/workers/env.ts';
import { AUTO_CANCEL_PATH, TEST_CLOCK_HEADER } from './test-clock.ts';

// a Worker's main module exports only handlers and classes: the constants live in test-clock.ts
export { PendenciasDoSistema } from '../../../src/runtime/workers/pendencias-object.ts';


let at: number | null = null;
const worker = eloWorker({ now: () => new Date(at ?? Date.now()) });

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const said = Number(request.headers.get(TEST_CLOCK_HEADER) ?? NaN);
    if (Number.isFinite(said)) at = said;
    if (new URL(request.url).pathname === AUTO_CANCEL_PATH) {
      const hub = await worker.hubOf(env);
      return Response.json({ cancelados: await hub.services.autoCancel.sweep() });
    }
    return worker.fetch(request, env, ctx);
  },
  async scheduled(controller: { scheduledTime?: number }, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    if (Number.isFinite(controller.scheduledTime)) at = controller.scheduledTime!;
    return worker.scheduled(controller, env, ctx);
  },
};
