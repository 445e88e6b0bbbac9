import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixedClock } from '../domain/clock.ts';
import { hubLog, scrub } from './log.ts';

describe('the operational log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('masks tokens, PEM blocks, CPFs and secret-named fields wherever an event puts them', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----';
    expect(
      scrub({
        mensagem: `falhou com Bearer elo_abc123 e ${pem} para 123.456.789-09`,
        token: 'elo_xyz',
        cpf: '12345678909',
        aninhado: [{ conteudo: 'documento inteiro', idt: 7 }],
      }),
    ).toEqual({
      mensagem: 'falhou com Bearer [omitido] e [pem omitido] para [cpf omitido]',
      token: '[omitido]',
      cpf: '[omitido]',
      aninhado: [{ conteudo: '[omitido]', idt: 7 }],
    });
  });

  it('writes one JSON line per event with level, time from the clock, the request id inside a request, event and data', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { log, withRequest } = hubLog(new FixedClock(new Date('2026-01-02T03:04:05.000Z')));
    log({ level: 'warn', event: 'fora', data: { a: 1 } });
    await withRequest({ requisicao: 'r-1' }, async () => {
      await Promise.resolve();
      log({ level: 'info', event: 'dentro' });
    });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'warn', at: '2026-01-02T03:04:05.000Z', event: 'fora', data: { a: 1 } },
      { level: 'info', at: '2026-01-02T03:04:05.000Z', requisicao: 'r-1', event: 'dentro' },
    ]);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });
});
