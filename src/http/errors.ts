import type { Context } from 'hono';
import { EloError, isEloError } from '../domain/errors.ts';
import type { Services } from '../services/index.ts';
import type { AppEnv } from './env.ts';

/**
 * Errors are rendered once, here (ARCHITECTURE "One error catalogue"): `{codigoErro, mensagem}`
 * on the Tramita face (spec §1.5.7), `application/problem+json` elsewhere.
 */
export function renderError(c: Context<AppEnv>, e: unknown, log?: Services['log']): Response {
  const error = isEloError(e)
    ? e
    : new EloError(
        'internal_error',
        `Erro interno do hub. Informe à administração o identificador da requisição ${c.get('requestId') ?? ''}.`,
      );
  if (!isEloError(e)) {
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

/** An unexpected error as log data: its name, message and stack (never the request body). */
function describe(e: unknown): Record<string, unknown> {
  return e instanceof Error ? { nome: e.name, mensagem: e.message, pilha: e.stack } : { valor: String(e) };
}
