import type { Context } from 'hono';
import { EloError, isEloError } from '../domain/errors.ts';
import type { Services } from '../services/index.ts';
import type { AppEnv } from './env.ts';

/**
 * Errors are rendered once, here (ARCHITECTURE "One error catalogue"): `{codigoErro, mensagem}`
 * on the Tramita face (spec §1.5.7), `application/problem+json` elsewhere.
 */
export function renderError(c: Context<AppEnv>, e: unknown, log?: Services['log']): Response {
  const gone = !isEloError(e) && clientWentAway(c, e);
  const error = isEloError(e)
    ? e
    : gone
      ? new EloError('request_aborted', 'A conexão foi encerrada antes de a requisição chegar inteira (o cliente desistiu, ou passou do prazo para enviá-la). Nada desta requisição foi gravado; envie-a de novo.')
      : new EloError(
          'internal_error',
          `Erro interno do hub. Informe à administração o identificador da requisição ${c.get('requestId') ?? ''}.`,
        );
  if (gone) {
    // the client's doing (or a deadline's), not the hub's: a warning, never an erro_interno
    log?.({ level: 'warn', event: 'requisicao.interrompida', data: { requisicao: c.get('requestId') ?? null, metodo: c.req.method, caminho: c.req.path } });
  } else if (!isEloError(e)) {
    log?.({
      level: 'error',
      event: 'erro_interno',
      data: { requisicao: c.get('requestId') ?? null, metodo: c.req.method, caminho: c.req.path, erro: describe(e) },
    });
  }
  const headers = { 'x-request-id': c.get('requestId') ?? '' };
  if (c.get('face') === 'tramita') {
    return new Response(JSON.stringify({ codigoErro: error.codigoErro, mensagem: error.mensagem }), {
      status: error.status,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    });
  }
  return new Response(
    JSON.stringify({
      type: `https://elo.invalid/erros/${error.code}`,
      title: error.code,
      status: error.status,
      detail: error.mensagem,
      code: error.code,
      codigoErro: error.codigoErro,
      ...(error.details ? { details: error.details } : {}),
    }),
    { status: error.status, headers: { ...headers, 'content-type': 'application/problem+json; charset=utf-8' } },
  );
}

/**
 * Whether `e` is the request's body failing because its connection closed before the body ended:
 * the runtime aborts the request's signal (Fetch standard), and Node's own error for a request
 * cut midway is `aborted` with code ECONNRESET, raised before the signal is set.
 */
function clientWentAway(c: Context<AppEnv>, e: unknown): boolean {
  if (c.req.raw.signal?.aborted) return true;
  return e instanceof Error && (e as { code?: unknown }).code === 'ECONNRESET' && e.message === 'aborted';
}

/** An unexpected error as log data: its name, message and stack (never the request body). */
function describe(e: unknown): Record<string, unknown> {
  return e instanceof Error ? { nome: e.name, mensagem: e.message, pilha: e.stack } : { valor: String(e) };
}
