import { describe, expect, it } from 'vitest';
import { isEloError } from '../errors.ts';
import { formatValidationIssues, validationFailed } from './issues.ts';

describe('validationFailed', () => {
  it('is a 0001 whose message is the spec §8.4 sentence with one "- path message" per issue', () => {
    const e = validationFailed({ path: 'sistema', message: 'é obrigatório' }, { sistema: null });
    expect(isEloError(e) && [e.code, e.codigoErro, e.status]).toEqual(['validation_failed', '0001', 400]);
    expect(e.mensagem).toBe('Os seguintes erros de validação de campos foram identificados: - sistema é obrigatório');
    expect(e.details).toEqual({ sistema: null });
  });

  it('lists several issues, a path-less one as "- message"', () => {
    expect(validationFailed([{ path: '', message: 'o corpo deve ser um objeto JSON' }, { path: 'motivo', message: 'é obrigatório' }]).mensagem).toBe(
      'Os seguintes erros de validação de campos foram identificados: - o corpo deve ser um objeto JSON - motivo é obrigatório',
    );
  });

  it('narrows the sentence to what was read when told where', () => {
    expect(formatValidationIssues([{ path: '', message: 'linha 2: NRE deve ter 16 dígitos' }], 'no arquivo de NREs (nada foi importado)')).toBe(
      'Os seguintes erros de validação de campos foram identificados no arquivo de NREs (nada foi importado): - linha 2: NRE deve ter 16 dígitos',
    );
  });
});
