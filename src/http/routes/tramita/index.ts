import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { systemAdmission } from '../../middleware/system-admission.ts';
import { largeBodyGate, type LargeBodyGate } from '../../large-body-gate.ts';
import { tramitaIdentity } from '../../middleware/tramita-identity.ts';
import { registerDeleteTramite } from './delete-tramite.ts';
import { registerGetCiencia } from './get-ciencia.ts';
import { registerGetCodeLists } from './get-codelists.ts';
import { registerGetPendenciasLongPoll } from './get-pendencias-long-poll.ts';
import { registerPostRecusa } from './post-recusa.ts';
import { registerPostReproducao } from './post-reproducao.ts';
import { registerPostTerminoEnvio } from './post-termino-envio.ts';
import { registerPostTramiteDocumento } from './post-tramite-documento.ts';
import { registerPutComponenteParte } from './put-componente-parte.ts';
import { registerGetEstrutura } from './get-estrutura.ts';
import { registerGetEstruturas } from './get-estruturas.ts';
import { registerGetPendentes } from './get-pendentes.ts';
import { registerGetReciboDeEnvio } from './get-recibo-de-envio.ts';
import { registerGetRecibo } from './get-recibo.ts';
import { registerGetRepositorios } from './get-repositorios.ts';
import { registerGetTramite } from './get-tramite.ts';
import { registerGetTramites } from './get-tramites.ts';
import { registerHealthcheck } from './get-healthcheck.ts';
import { registerPostDownload } from './post-download.ts';
import { registerPostRecibo } from './post-recibo.ts';
import { registerPostTramiteProcesso } from './post-tramite-processo.ts';
import { registerPutComponente } from './put-componente.ts';

/** The Tramita-compatible face (spec §2), mounted under `/interoperabilidade/rest/v3` and `v4`. */
export function tramitaFace(deps: AppDeps, gate: LargeBodyGate = largeBodyGate({ maxWaiting: deps.services.limits.maxJsonWaiting })): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async function markFace(c, next) {
    c.set('face', 'tramita');
    await next();
  });
  app.use('*', tramitaIdentity(deps));
  app.use('*', systemAdmission(deps));
  // One gate (createApp's) for both start routes, both mounts (v3, v4) and the preflight: one
  // large body at a time per hub.
  registerHealthcheck(app);
  registerGetRepositorios(app, deps);
  registerGetEstruturas(app, deps);
  registerGetEstrutura(app, deps);
  registerGetCodeLists(app, deps);
  registerPostTramiteProcesso(app, deps, gate);
  registerPutComponente(app, deps);
  registerGetReciboDeEnvio(app, deps);
  registerGetPendentes(app, deps);
  registerGetTramites(app, deps);
  registerGetTramite(app, deps);
  registerPostDownload(app, deps);
  registerPostRecibo(app, deps);
  registerGetRecibo(app, deps);
  registerPostTramiteDocumento(app, deps, gate);
  registerPutComponenteParte(app, deps);
  registerPostTerminoEnvio(app, deps);
  registerPostRecusa(app, deps);
  registerGetCiencia(app, deps);
  registerDeleteTramite(app, deps);
  registerPostReproducao(app, deps);
  return app;
}

/** The long-poll pendências URL (spec §2.15), configured apart in SEI. */
export function longPollFace(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async function markFace(c, next) {
    c.set('face', 'tramita');
    await next();
  });
  app.use('*', tramitaIdentity(deps));
  app.use('*', systemAdmission(deps));
  registerGetPendenciasLongPoll(app, deps);
  return app;
}
