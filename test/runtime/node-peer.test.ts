import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { nodePeerCertificate } from '../../src/runtime/node-peer.ts';

/** A TLS socket as Node hands it to a request: counts how often its certificate is read. */
function socket(raw: number[] | null) {
  const s = {
    reads: 0,
    getPeerCertificate() {
      s.reads++;
      return raw ? { raw: Buffer.from(raw), fingerprint256: 'leaf', issuerCertificate: { raw: Buffer.from([9]), fingerprint256: 'ca', issuerCertificate: null } } : {};
    },
  };
  return s;
}
const context = (sock: object) => ({ env: { incoming: { socket: sock } } }) as unknown as Context;

describe('client certificate of a TLS connection', () => {
  it('is read once per connection and served to every request on it (renegotiation is off)', () => {
    const a = socket([1, 2, 3]);
    const first = nodePeerCertificate(context(a));
    expect(first).toEqual({ leaf: new Uint8Array([1, 2, 3]), chain: [new Uint8Array([9])] });
    expect(nodePeerCertificate(context(a))).toBe(first);
    expect(a.reads).toBe(1);
  });

  it('is read again for another connection, and remembered as absent for a connection without one', () => {
    const b = socket([4]);
    const none = socket(null);
    expect(nodePeerCertificate(context(b))!.leaf).toEqual(new Uint8Array([4]));
    expect(nodePeerCertificate(context(none))).toBeNull();
    expect(nodePeerCertificate(context(none))).toBeNull();
    expect([b.reads, none.reads]).toEqual([1, 1]);
  });
});
