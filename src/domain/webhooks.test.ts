import { describe, expect, it } from 'vitest';
import { allowList, retryDelayMs, refusedAddress, signatureHeader, signedContent, webhookPayload } from './webhooks.ts';

describe('webhook destinations', () => {
  const none = allowList([]).networks;

  it('refuses loopback, link-local, private, CGNAT, ULA and IPv4-mapped forms of them', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12::1', 'fc00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '224.0.0.1', '255.255.255.255'])
      expect(refusedAddress(a, none), a).not.toBeNull();
  });

  it('accepts public addresses, and refused ones only when allow-listed', () => {
    for (const a of ['200.130.0.1', '8.8.8.8', '172.32.0.1', '2001:4860:4860::8888']) expect(refusedAddress(a, none), a).toBeNull();
    const allow = allowList(['127.0.0.1/32', 'fd00::/8']);
    expect(allow.invalid).toEqual([]);
    expect(refusedAddress('127.0.0.1', allow.networks)).toBeNull();
    expect(refusedAddress('127.0.0.2', allow.networks)).toMatch(/loopback/);
    expect(refusedAddress('fd00::5', allow.networks)).toBeNull();
    expect(allowList(['10.0.0.0/33', 'x']).invalid).toEqual(['10.0.0.0/33', 'x']);
  });
});

describe('webhook retries', () => {
  it('doubles the delay per attempt with equal jitter, capped', () => {
    expect(retryDelayMs(1, 10_000, 3_600_000, 0)).toBe(5_000);
    expect(retryDelayMs(1, 10_000, 3_600_000, 0.999_999)).toBe(10_000);
    expect(retryDelayMs(3, 10_000, 3_600_000, 0)).toBe(20_000);
    expect(retryDelayMs(30, 10_000, 3_600_000, 1)).toBe(3_600_000);
    expect(retryDelayMs(30, 10_000, 3_600_000, 0)).toBe(1_800_000);
  });
});

describe('webhook payload and signature', () => {
  it('carries identifiers only and signs the timestamp with the body', () => {
    const p = webhookPayload({ id: 'e1', systemId: 's', idt: 7, nre: '0000000000000007', situacao: 2, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(Object.keys(p).sort()).toEqual(['IDT', 'NRE', 'chamar', 'evento', 'ocorridoEm', 'sistema', 'situacao', 'tipo']);
    expect(signedContent(1700000000, '{"a":1}')).toBe('1700000000.{"a":1}');
    expect(signatureHeader(1700000000, 'QUJD')).toBe('t=1700000000,v1=QUJD');
  });
});
