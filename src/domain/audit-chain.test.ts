import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditRowBytes, auditRowHash, checkpointBytes, type AuditLinkFields } from './audit-chain.ts';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const row: AuditLinkFields = { chain: 'principal', position: 2, prevHash: 'ab'.repeat(32), at: '2026-03-02T12:00:00.000Z', kind: 'tramite.ciencia', actor: 'sei-estado', idt: 7, dataJson: '{"motivo":"á"}' };
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('audit chain encoding', () => {
  it('encodes each field as a netstring of its UTF-8 bytes, in the stated order', () => {
    expect(text(auditRowBytes(row))).toBe(
      `elo.auditoria.v1${[row.chain, '2', row.prevHash, row.at, row.kind, row.actor, '7', row.dataJson].map((f) => `${new TextEncoder().encode(f).length}:${f},`).join('')}`,
    );
    expect(text(checkpointBytes({ chain: 'principal', position: 2, hash: 'cd', at: row.at }))).toBe('elo.auditoria.ponto.v19:principal,1:2,2:cd,24:2026-03-02T12:00:00.000Z,');
  });

  it('never encodes two different rows alike, whatever separators the values hold', () => {
    const a = { ...row, kind: 'a,', actor: 'b' };
    const b = { ...row, kind: 'a', actor: ',b' };
    expect(text(auditRowBytes(a))).not.toBe(text(auditRowBytes(b)));
    // a null idt is not the idt 0, nor an empty data
    expect(auditRowHash(sha256, { ...row, idt: null })).not.toBe(auditRowHash(sha256, { ...row, idt: 0 }));
  });

  it('changes the hash with any field, the link to the previous row included', () => {
    const base = auditRowHash(sha256, row);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    for (const change of [{ chain: 'outro' }, { position: 3 }, { prevHash: '' }, { at: '2026-03-02T12:00:01.000Z' }, { kind: 'x' }, { actor: 'y' }, { idt: 8 }, { dataJson: '{}' }])
      expect(auditRowHash(sha256, { ...row, ...change })).not.toBe(base);
  });
});
