import type { Hono } from 'hono';
import { parsePeriod, parseRefusalQuery, parseTramiteFilter } from '../../../services/monitoring/index.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt, validationError } from '../../wire.ts';
import { allow, READERS } from './roles.ts';
import { componentView, eventView, historyView, tramiteDetailFields } from './views.ts';

/**
 * The monitor API (README "Monitorando"): search, one trâmite's story, stuck trâmites with who
 * must act, figures per participant and per pair, and the refused requests that never got an
 * IDT. Every route reads only, each principal within its reach (services/monitoring): a
 * participant's token sees only trâmites where its participant is a party. Every filter is
 * checked, and a bad one is a `0001` that names it.
 */
export function registerAdminMonitoring(app: Hono<AppEnv>, deps: AppDeps): void {
  const monitoring = deps.services.monitoring;
  const now = () => monitoring.now();

  /** `?IDT=&NRE=&protocolo=&participante=&estrutura=&situacao=&de=&ate=&cursor=&limite=` */
  app.get('/tramites', async (c) => {
    const who = allow(c, READERS);
    return json(await monitoring.search(parseTramiteFilter(c.req.query()), who));
  });

  app.get('/tramites/parados', async (c) => {
    const who = allow(c, READERS);
    return json(await monitoring.stuck(who));
  });

  app.get('/tramites/:idt{[0-9]+}', async (c) => {
    const who = allow(c, READERS);
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const d = await monitoring.detail(idt, who);
    const t = d.record;
    const side = d.proximaAcao?.quemDeveAgir;
    return json({
      tramite: { ...d.tramite, ...tramiteDetailFields(t) },
      // the system expected to act, as before; `proximaAcao` says who, with what call, and until when
      quemDeveAgir: side === 'sistema remetente' ? t.senderSystemId : side === 'sistema destinatário' ? t.receiverSystemId : (d.proximaAcao?.sistema ?? null),
      proximaAcao: d.proximaAcao,
      mudancasDeSituacao: d.history.map(historyView),
      componentes: d.components.map(componentView),
      recibos: d.recibos,
      eventos: d.events.map(eventView),
    });
  });

  /** `?de=&ate=&participante=` (de required; ate by default now). */
  app.get('/indicadores', async (c) => {
    const who = allow(c, READERS);
    const q = c.req.query();
    return json(await monitoring.figures({ ...parsePeriod(q, now()), ...(q.participante ? { participante: q.participante } : {}) }, who));
  });

  app.get('/indicadores/situacoes', async (c) => {
    const who = allow(c, READERS);
    return json({ situacoes: await monitoring.countsBySituacao(who) });
  });

  /** `?de=&ate=&intervalo=hora|dia` */
  app.get('/indicadores/vazao', async (c) => {
    const who = allow(c, READERS);
    const q = c.req.query();
    const intervalo = q.intervalo || 'dia';
    if (intervalo !== 'hora' && intervalo !== 'dia') throw validationError('intervalo', `deve ser "hora" ou "dia" (recebido: "${intervalo.slice(0, 20)}")`);
    return json(await monitoring.throughput({ ...parsePeriod(q, now()), bucket: intervalo }, who));
  });

  /** `?participante=&sistema=&codigoErro=&NRE=&de=&ate=&cursor=&limite=` */
  app.get('/recusas', async (c) => {
    const who = allow(c, READERS);
    return json(await monitoring.refusals(parseRefusalQuery(c.req.query()), who));
  });

  app.get('/nres/:nre{[0-9]+}/documentos', async (c) => {
    const who = allow(c, READERS);
    return json(await monitoring.nreDocuments(c.req.param('nre'), who));
  });
}
