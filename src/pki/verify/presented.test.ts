import { describe, expect, it } from 'vitest';
import { federation, pingPongChain } from '../../../test/pki/test-pki.ts';
import { PRESENTED_CHAIN_LIMITS, presentedChainRefusal } from './index.ts';

const der = (c: { rawData: ArrayBuffer }): Uint8Array => new Uint8Array(c.rawData);

describe('presented chain limits', () => {
  it('lets a leaf with its real intermediates and root through untouched', async () => {
    const { root, int, leaf } = await federation();
    expect(presentedChainRefusal(der(leaf.cert), [der(int.cert), der(root.cert)])).toBeNull();
  });

  it(`lets exactly ${PRESENTED_CHAIN_LIMITS.certificates} certificates through`, async () => {
    const { leaf, pool } = await pingPongChain(5);
    const chain = pool.slice(0, PRESENTED_CHAIN_LIMITS.certificates - 1).map(der);
    expect(chain).toHaveLength(PRESENTED_CHAIN_LIMITS.certificates - 1);
    expect(presentedChainRefusal(der(leaf.cert), chain)).toBeNull();
    expect(presentedChainRefusal(der(leaf.cert), pool.map(der))).toMatchObject({
      code: 'chain_too_large',
    });
  });

  it('refuses 15 certificates by counting them, naming the leaf and saying what to present', async () => {
    const { leaf, pool } = await pingPongChain(7);
    const result = presentedChainRefusal(der(leaf.cert), pool.map(der));
    expect(result).toMatchObject({
      valid: false,
      code: 'chain_too_large',
      chain: [{ subject: 'CN=cliente-inventado,C=BR' }],
    });
    if (!result || result.valid) return;
    expect(result.message).toContain('O cliente apresentou 15 certificados');
    expect(result.message).toContain(result.certificate!.fingerprint256);
    expect(result.message).toContain(`no máximo ${PRESENTED_CHAIN_LIMITS.certificates} certificados`);
    expect(result.message).toContain(
      'apresentar apenas o certificado do sistema e as ACs intermediárias reais da sua cadeia',
    );
  });

  it('refuses a few oversized certificates by their total size, before parsing any of them', async () => {
    const { leaf } = await federation();
    // Not certificates at all: only their lengths may be looked at.
    const junk = [new Uint8Array(40_000), new Uint8Array(30_000)];
    const result = presentedChainRefusal(der(leaf.cert), junk);
    expect(result).toMatchObject({ valid: false, code: 'chain_too_large' });
    expect(result && !result.valid && result.message).toContain(
      `e ${PRESENTED_CHAIN_LIMITS.bytes} bytes por conexão`,
    );
    expect(presentedChainRefusal(der(leaf.cert), [new Uint8Array(1000)])).toBeNull();
  });
});
