import { describe, expect, it } from 'vitest';
import { EloError, errorCatalogue } from './errors.ts';

describe('error catalogue', () => {
  it('gives every code a four-digit codigoErro and an HTTP error status', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(entry.codigoErro, code).toMatch(/^\d{4}$/);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
    }
  });

  it('never gives one hub-specific codigoErro to two conditions with different statuses', () => {
    const byCodigo = new Map<string, number>();
    for (const entry of Object.values(errorCatalogue)) {
      if (entry.codigoErro < '9000') continue;
      const seen = byCodigo.get(entry.codigoErro);
      if (seen !== undefined && entry.codigoErro !== '9001') expect(seen).toBe(entry.status);
      byCodigo.set(entry.codigoErro, entry.status);
    }
  });

  it('carries the catalogue status and codigoErro on a raised error', () => {
    const e = new EloError('tramite_already_open', 'Processo já possui um trâmite em andamento');
    expect(e.status).toBe(409);
    expect(e.codigoErro).toBe('0044');
    expect(e.mensagem).toContain('trâmite');
  });
});
