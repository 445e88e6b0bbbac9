import { answeredOk, ErroDeConexao, hubRefusal } from './errors.ts';
import type { Answer } from './tramita-client.ts';

/**
 * When the SDK asks again. Only calls the protocol makes idempotent are retried (spec §2.11: a
 * re-sent part overwrites; §2.19: re-downloads succeed; §2.20, §2.23, §2.24: an identical repeat
 * answers 2xx; reads change nothing or move state once), and only on failures that say "try later":
 * no answer at all, 408 (the hub dropped a cut request and kept nothing), 429, 502, 503, 504.
 * A start (§2.8) is never retried blindly: a start applied but unanswered, asked again, is refused
 * with 0044 (one open trâmite per process).
 */
export interface PoliticaDeTentativas {
  /** Attempts in all, the first included (default 5). */
  tentativas: number;
  /** First pause; each next one doubles, up to `esperaMaximaMs` (defaults 500 ms and 30 s). */
  esperaInicialMs: number;
  esperaMaximaMs: number;
  /** Injected in tests instead of sleeping. */
  esperar: (ms: number) => Promise<void>;
}

export const politicaPadrao: PoliticaDeTentativas = {
  tentativas: 5,
  esperaInicialMs: 500,
  esperaMaximaMs: 30_000,
  esperar: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

export async function comTentativas<A extends Answer<unknown>>(
  operacao: string,
  politica: PoliticaDeTentativas,
  idempotente: boolean,
  call: () => Promise<A>,
): Promise<A> {
  const attempts = idempotente ? Math.max(1, politica.tentativas) : 1;
  let pause = politica.esperaInicialMs;
  for (let attempt = 1; ; attempt++) {
    let answer: A;
    try {
      answer = await call();
    } catch (e) {
      if (attempt >= attempts) throw new ErroDeConexao(operacao, attempt, e);
      await politica.esperar(pause);
      pause = Math.min(pause * 2, politica.esperaMaximaMs);
      continue;
    }
    if (!RETRYABLE_STATUS.has(answer.status) || attempt >= attempts) return answer;
    // Retry-After in seconds (RFC 9110 §10.2.3), as the hub sends it with 429 and 503
    const after = Number(answer.headers.get('retry-after'));
    await politica.esperar(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, politica.esperaMaximaMs) : pause);
    pause = Math.min(pause * 2, politica.esperaMaximaMs);
  }
}

/** `comTentativas`, then the hub's refusal thrown unless the last answer is a 2xx. */
export async function exigirSucesso<A extends Answer<unknown>>(operacao: string, politica: PoliticaDeTentativas, idempotente: boolean, call: () => Promise<A>): Promise<A> {
  const a = await comTentativas(operacao, politica, idempotente, call);
  if (!answeredOk(a)) throw hubRefusal(operacao, a);
  return a;
}
