import { systemErrorText } from '../domain/system-error-text.ts';
import type { Answer } from './tramita-client.ts';

/**
 * Errors of the SDK, typed so that a caller can tell what to do: the hub refused (its `codigoErro`
 * of spec §1.5.7/§8, as stable as the hub's catalogue), the hub could not be reached even after the
 * retries the protocol allows, or bytes received do not match the hash the metadata declared.
 */
export class ErroDoHub extends Error {
  override readonly name = 'ErroDoHub';
  constructor(
    /** What the SDK was doing, in Portuguese ("início do trâmite", "envio da parte 0-52428800"…). */
    readonly operacao: string,
    readonly status: number,
    /** The hub's code (`0044`, `9006`…), or null when the answer carried none (e.g. a proxy's page). */
    readonly codigoErro: string | null,
    /** The hub's Portuguese message, verbatim. */
    readonly mensagem: string,
    /** The hub's `x-request-id`, to quote to its administration. */
    readonly requisicao: string | null,
  ) {
    super(`${operacao}: ${mensagem} (HTTP ${status}${codigoErro ? `, código ${codigoErro}` : ''})`);
  }
}

/** The hub's refusal carried by an answer: its `codigoErro` and message (Tramita face) or problem+json `detail` (native face). */
export function hubRefusal(operacao: string, a: Answer<unknown>): ErroDoHub {
  const body = a.body as { codigoErro?: unknown; mensagem?: unknown; detail?: unknown } | null;
  const mensagem = typeof body?.mensagem === 'string' ? body.mensagem : typeof body?.detail === 'string' ? body.detail : a.text.slice(0, 500) || `HTTP ${a.status}`;
  return new ErroDoHub(operacao, a.status, typeof body?.codigoErro === 'string' ? body.codigoErro : null, mensagem, a.headers.get('x-request-id'));
}

export const answeredOk = (a: Answer<unknown>): boolean => a.status >= 200 && a.status < 300;

export class ErroDeConexao extends Error {
  override readonly name = 'ErroDeConexao';
  constructor(
    readonly operacao: string,
    readonly tentativas: number,
    override readonly cause: unknown,
  ) {
    super(`${operacao}: não foi possível falar com o hub depois de ${tentativas} tentativa(s) (${describeCause(cause)}). Verifique o endereço, a rede e o certificado, e tente de novo.`);
  }
}

export class ErroDeIntegridade extends Error {
  override readonly name = 'ErroDeIntegridade';
  constructor(
    readonly hashEsperado: string,
    readonly hashCalculado: string,
    readonly nome: string,
  ) {
    super(`O componente digital ${nome} chegou com hash ${hashCalculado}, mas os metadados do trâmite declaram ${hashEsperado}: o arquivo está corrompido. Ele não foi guardado; recuse o trâmite (motivo 02) ou baixe de novo.`);
  }
}

/**
 * The innermost failure of a fetch (undici wraps the socket's error in `cause`), in Portuguese,
 * with Node's code kept for a search: "ECONNREFUSED: conexão recusada em 127.0.0.1:8443 (…)".
 */
export function describeCause(e: unknown): string {
  let cur = e;
  for (let i = 0; i < 4 && cur instanceof Error && cur.cause; i++) cur = cur.cause;
  const code = (cur as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? `${code}: ${systemErrorText(cur)}` : systemErrorText(cur);
}
