import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimalPdf } from './pdf.ts';

/** qpdf, a real PDF reader, checks the structure (xref offsets, stream lengths, trailer). */
function qpdfCheck(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'elo-pdf-'));
  try {
    writeFileSync(join(dir, 'a.pdf'), bytes);
    return execFileSync('qpdf', ['--check', join(dir, 'a.pdf')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('minimalPdf', () => {
  it('makes a PDF that qpdf reads without a single error, Portuguese text and parentheses included', () => {
    const out = qpdfCheck(minimalPdf(['Ofício nº 12/2026 — Secretaria de Administração', 'Solicitação de convênio (ação “urgente”)', 'Barra \\ invertida', '']));
    expect(out).toContain('PDF Version: 1.4');
    expect(out).toContain('No syntax or stream encoding errors found');
  });

  it('is deterministic, so a fixture hash stays the same', () => {
    expect(Buffer.from(minimalPdf(['a', 'b'])).equals(Buffer.from(minimalPdf(['a', 'b'])))).toBe(true);
    expect(Buffer.from(minimalPdf(['a'])).equals(Buffer.from(minimalPdf(['b'])))).toBe(false);
  });

  it('writes Portuguese letters and typographic dashes as WinAnsi bytes, anything else as "?"', () => {
    const text = Buffer.from(minimalPdf(['ção — 中'])).toString('latin1');
    expect(text).toContain('(\\347\\343o \\227 ?)');
  });
});
