import { describe, expect, it } from 'vitest';
import { ErroDeConexao } from './errors.ts';
import { comTentativas, politicaPadrao, type PoliticaDeTentativas } from './retry.ts';
import type { Answer } from './tramita-client.ts';

const answer = (status: number, headers: Record<string, string> = {}): Answer<unknown> => ({ status, body: null, text: '', headers: new Headers(headers) });

/** A policy that records its pauses instead of sleeping. */
function recording(tentativas = 4): PoliticaDeTentativas & { pauses: number[] } {
  const pauses: number[] = [];
  return { ...politicaPadrao, tentativas, esperaInicialMs: 100, esperaMaximaMs: 1000, esperar: async (ms) => void pauses.push(ms), pauses };
}

describe('comTentativas', () => {
  it('asks an idempotent call again after no answer, doubling the pause, until it is answered', async () => {
    const p = recording();
    let calls = 0;
    const r = await comTentativas('teste', p, true, async () => {
      if (++calls < 3) throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      return answer(200);
    });
    expect(r.status).toBe(200);
    expect(calls).toBe(3);
    expect(p.pauses).toEqual([100, 200]);
  });

  it('never repeats a call that is not idempotent (a start would become a second trâmite): one attempt, the failure said in Portuguese', async () => {
    const p = recording();
    let calls = 0;
    const e = await comTentativas('início do trâmite', p, false, async () => {
      calls++;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 8443 }) });
    }).catch((x: unknown) => x);
    expect(calls).toBe(1);
    expect(e).toBeInstanceOf(ErroDeConexao);
    expect((e as Error).message).toBe(
      'início do trâmite: não foi possível falar com o hub depois de 1 tentativa(s) (ECONNREFUSED: conexão recusada em 127.0.0.1:8443 (o servidor está no ar e aceita conexões?)). Verifique o endereço, a rede e o certificado, e tente de novo.',
    );
  });

  it('waits what Retry-After says on 429 and 503, within the maximum, and retries 408, 502 and 504 too', async () => {
    const p = recording(6);
    const statuses = [429, 503, 408, 502, 504, 200];
    const r = await comTentativas('teste', p, true, async () => answer(statuses.shift()!, statuses.length === 5 ? { 'retry-after': '7' } : statuses.length === 4 ? { 'retry-after': '0.3' } : {}));
    expect(r.status).toBe(200);
    expect(p.pauses).toEqual([1000, 300, 400, 800, 1000]);
  });

  it('returns a refusal as it came, without asking again (a 400 or 409 is the hub’s answer, not a failure to answer)', async () => {
    const p = recording();
    let calls = 0;
    const r = await comTentativas('teste', p, true, async () => (calls++, answer(409)));
    expect([r.status, calls, p.pauses]).toEqual([409, 1, []]);
  });

  it('gives the last answer after the last attempt when the hub keeps saying "later"', async () => {
    const p = recording(3);
    const r = await comTentativas('teste', p, true, async () => answer(503));
    expect(r.status).toBe(503);
    expect(p.pauses).toEqual([100, 200]);
  });
});
