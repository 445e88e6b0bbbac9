/**
 * A small, valid PDF 1.4 of one A4 page with lines of text (ISO 32000-1 §7.5: header, objects,
 * cross-reference table with the byte offset of each object, trailer), so that the demo and the
 * fixtures carry real PDFs made here, never downloaded. Deterministic: the same lines give the same
 * bytes (no dates, no ids), so a fixture's hash is stable. Checked by `qpdf --check` in the tests.
 *
 * Text uses the standard Helvetica with WinAnsiEncoding (§9.6.6.2, Annex D), which covers the
 * Portuguese letters; each line is cut at 90 characters, and characters outside WinAnsi become "?".
 */
export function minimalPdf(lines: readonly string[]): Uint8Array {
  const text = lines
    .slice(0, 60)
    .map((line, i) => `BT /F1 ${i === 0 ? 14 : 11} Tf 56 ${790 - i * 18} Td (${pdfString(line.slice(0, 90))}) Tj ET`)
    .join('\n');
  const content = latin1(text);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    null, // the content stream, written as bytes below
  ];
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    length += b.length;
  };
  // a binary comment line after the header marks the file as binary (§7.5.2)
  push(latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'));
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    if (body === null) {
      push(latin1(`${i + 1} 0 obj\n<< /Length ${content.length} >>\nstream\n`));
      push(content);
      push(latin1('\nendstream\nendobj\n'));
    } else push(latin1(`${i + 1} 0 obj\n${body}\nendobj\n`));
  });
  const xref = length;
  // each entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, n/f, CR LF (§7.5.4)
  const entries = ['0000000000 65535 f\r\n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`)].join('');
  push(latin1(`xref\n0 ${objects.length + 1}\n${entries}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** WinAnsi's bytes 0x80–0x9f for the typographic marks a Portuguese text uses (Annex D.2). */
const WIN_ANSI_EXTRA: Record<string, number> = { '€': 0x80, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97 };

/** A literal string (§7.3.4.2): backslash, parentheses escaped; WinAnsi bytes as octal escapes. */
function pdfString(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = WIN_ANSI_EXTRA[ch] ?? ch.codePointAt(0)!;
    if (ch === '\\' || ch === '(' || ch === ')') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if ((code >= 0xa0 && code <= 0xff) || (code >= 0x80 && code <= 0x9f)) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += '?';
  }
  return out;
}

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}
