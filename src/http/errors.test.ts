import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Services } from '../services/index.ts';
import type { AppEnv } from './env.ts';
import { renderError } from './errors.ts';

/** A Tramita-face app whose one route fails with `fail`, logging what renderError logs. */
function appFailingWith(fail: (c: { req: { raw: Request } }) => unknown) {
  const lines: Parameters<Services['log']>[0][] = [];
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', 'req-1');
    c.set('face', 'tramita');
    await next();
  });
  app.onError((e, c) => renderError(c, e, (l) => lines.push(l)));
  app.post('/x', async (c) => {
    throw fail(c);
  });
  return { app, lines };
}

describe('renderError', () => {
  it('answers a body cut by its connection closing with 408 (9083) and logs a warning, not an internal error', async () => {
    const { app, lines } = appFailingWith(() => Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    const res = await app.request('/x', { method: 'POST', body: '{' });
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ codigoErro: '9083', mensagem: expect.stringMatching(/Nada desta requisição foi gravado/) });
    expect(lines.map((l) => [l.level, l.event])).toEqual([['warn', 'requisicao.interrompida']]);
  });

  it('treats any error once the request’s signal is aborted as the client gone', async () => {
    const controller = new AbortController();
    const { app, lines } = appFailingWith(() => {
      controller.abort();
      return new TypeError('terminated');
    });
    const res = await app.request(new Request('http://hub/x', { method: 'POST', body: '{', signal: controller.signal }));
    expect(res.status).toBe(408);
    expect(lines[0]?.event).toBe('requisicao.interrompida');
  });

  it('still answers anything else unexpected with 500 (9999) and logs it as an internal error with the request id', async () => {
    const { app, lines } = appFailingWith(() => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const res = await app.request('/x', { method: 'POST', body: '{' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ codigoErro: '9999', mensagem: expect.stringContaining('req-1') });
    expect(lines.map((l) => [l.level, l.event])).toEqual([['error', 'erro_interno']]);
  });
});
