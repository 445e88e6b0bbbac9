import { parseMultipart } from '@remix-run/multipart-parser';
import { describe, expect, it } from 'vitest';
import {
  boundaryFromContentType,
  MultipartError,
  parseMultipartStream,
  type MultipartPartHeaders,
  type StreamedPart,
} from './index.ts';

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => encoder.encode(text);

function concat(...arrays: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/** A source stream that hands out the given chunks one read at a time. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const cuts = [0, ...offsets, bytes.length];
  return cuts.slice(1).map((end, i) => bytes.slice(cuts[i], end));
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(...chunks);
    chunks.push(value);
  }
}

interface ReadPart {
  headers: MultipartPartHeaders;
  bytes: Uint8Array;
}

async function readParts(parts: AsyncIterable<StreamedPart>): Promise<ReadPart[]> {
  const out: ReadPart[] = [];
  for await (const part of parts)
    out.push({ headers: part.headers, bytes: await readAll(part.body) });
  return out;
}

const parse = (
  chunks: Uint8Array[],
  boundary: string,
  limits?: Parameters<typeof parseMultipartStream>[2],
) => readParts(parseMultipartStream(streamOf(chunks), boundary, limits));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function multipartReason(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(MultipartError);
  return (error as MultipartError).reason;
}

/** mulberry32: a small seeded PRNG, so a failing random case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOUNDARY = '----EloFormBoundary7MA4YWxkTrZu0gW';

function field(name: string, value: string | Uint8Array, extraHeaders = ''): Uint8Array {
  return concat(
    utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n${extraHeaders}\r\n`),
    typeof value === 'string' ? utf8(value) : value,
    utf8('\r\n'),
  );
}

const close = utf8(`--${BOUNDARY}--\r\n`);

/** Binary content full of the bytes that matter to the framing. */
const tricky = concat(
  utf8('\r\n'),
  utf8('--'),
  utf8(`\r\n--${BOUNDARY.slice(0, 10)}`),
  Uint8Array.of(0, 255, 13, 13, 10, 10, 45, 45, 13),
  utf8(`\r\n--${BOUNDARY}`.slice(0, -1)),
  utf8(`--${BOUNDARY}--`), // not preceded by CRLF: content, not a delimiter
  utf8(`\r-${BOUNDARY}\n`),
  utf8('\r\n\r\n'),
  utf8(`\r\n--${BOUNDARY.slice(0, -1)}X`),
  utf8('\r'),
);

describe('boundaryFromContentType', () => {
  it('extracts a boundary unquoted or quoted, whatever the case of the names', () => {
    expect(boundaryFromContentType('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(boundaryFromContentType('Multipart/Form-Data;BOUNDARY="a b;c"')).toBe('a b;c');
    expect(boundaryFromContentType('multipart/form-data; charset=utf-8; boundary=x')).toBe('x');
  });

  it('gives undefined when the header, the boundary or the multipart/form-data type is missing', () => {
    expect(boundaryFromContentType(undefined)).toBeUndefined();
    expect(boundaryFromContentType(null)).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data')).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data; boundary=')).toBeUndefined();
    expect(boundaryFromContentType('multipart/mixed; boundary=abc')).toBeUndefined();
    expect(boundaryFromContentType('application/json')).toBeUndefined();
  });

  it('gives undefined for a boundary RFC 2046 does not allow or an ambiguous header', () => {
    expect(
      boundaryFromContentType(`multipart/form-data; boundary=${'a'.repeat(71)}`),
    ).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data; boundary="ab "')).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data; boundary="a\u00e7"')).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data; boundary="abc')).toBeUndefined();
    expect(boundaryFromContentType('multipart/form-data; boundary=a; boundary=b')).toBeUndefined();
  });
});

describe('parseMultipartStream', () => {
  it('yields each field and file with its headers and exact bytes', async () => {
    const pdf = concat(utf8('%PDF-1.7\r\n'), tricky, Uint8Array.of(0, 1, 2, 3));
    const body = concat(
      field('protocolo', '0000025656262025'),
      field('descricao', 'Ofício nº 12 — ação'),
      concat(
        utf8(`--${BOUNDARY}\r\n`),
        utf8('Content-Disposition: form-data; name="arquivo"; filename="Ofício 12.pdf"\r\n'),
        utf8('Content-Type: application/pdf\r\n\r\n'),
        pdf,
        utf8('\r\n'),
      ),
      concat(
        utf8(`--${BOUNDARY}\r\n`),
        utf8('Content-Disposition: form-data; name="anexo"; filename="dados.bin"\r\n'),
        utf8('Content-Type: application/octet-stream\r\n\r\n'),
        tricky,
        utf8('\r\n'),
      ),
      close,
    );
    const parts = await parse([body], BOUNDARY);
    expect(parts.map((p) => p.headers.name)).toEqual([
      'protocolo',
      'descricao',
      'arquivo',
      'anexo',
    ]);
    expect(parts.map((p) => p.headers.filename)).toEqual([
      undefined,
      undefined,
      'Ofício 12.pdf',
      'dados.bin',
    ]);
    expect(parts.map((p) => p.headers.contentType)).toEqual([
      undefined,
      undefined,
      'application/pdf',
      'application/octet-stream',
    ]);
    expect(new TextDecoder().decode(parts[1]!.bytes)).toBe('Ofício nº 12 — ação');
    expect(parts[2]!.bytes).toEqual(pdf);
    expect(parts[3]!.bytes).toEqual(tricky);
    expect(parts[3]!.headers.raw).toEqual({
      'content-disposition': 'form-data; name="anexo"; filename="dados.bin"',
      'content-type': 'application/octet-stream',
    });
  });

  it('reads a body encoded by the platform FormData, with the boundary from its Content-Type', async () => {
    const form = new FormData();
    form.append('protocolo', '0000025656262025');
    form.append('nome "citado"', 'valor\r\ncom linhas');
    form.append('arquivo', new Blob([tricky], { type: 'application/pdf' }), 'Ofício 12.pdf');
    form.append('vazio', new Blob([]), 'vazio.bin');
    const request = new Request('https://elo.test/upload', { method: 'POST', body: form });
    const boundary = boundaryFromContentType(request.headers.get('content-type'));
    expect(boundary).toBeDefined();
    const parts = await readParts(parseMultipartStream(request.body!, boundary!));
    expect(parts.map((p) => [p.headers.name, p.headers.filename, p.headers.contentType])).toEqual([
      ['protocolo', undefined, undefined],
      // WHATWG form encoding escapes '"' as %22 in names; the parser reports what was sent.
      ['nome %22citado%22', undefined, undefined],
      ['arquivo', 'Ofício 12.pdf', 'application/pdf'],
      ['vazio', 'vazio.bin', 'application/octet-stream'],
    ]);
    expect(new TextDecoder().decode(parts[1]!.bytes)).toBe('valor\r\ncom linhas');
    expect(parts[2]!.bytes).toEqual(tricky);
    expect(parts[3]!.bytes).toHaveLength(0);
  });

  it('ignores the preamble and the epilogue', async () => {
    const body = concat(
      utf8(`This is a preamble with --${BOUNDARY} inside a line.\r\n`),
      field('a', '1'),
      utf8(`--${BOUNDARY}--`),
      utf8(
        `\r\nepilogue\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="b"\r\n\r\n2\r\n`,
      ),
    );
    const parts = await parse(splitEvery(body, 7), BOUNDARY);
    expect(parts.map((p) => [p.headers.name, new TextDecoder().decode(p.bytes)])).toEqual([
      ['a', '1'],
    ]);
  });

  it('tolerates transport padding after a boundary line', async () => {
    const body = utf8(
      `--${BOUNDARY} \t \r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
        `--${BOUNDARY}\t\r\nContent-Disposition: form-data; name="b"\r\n\r\n2\r\n--${BOUNDARY}--  \r\n`,
    );
    for (const chunks of [[body], splitEvery(body, 1)]) {
      const parts = await parse(chunks, BOUNDARY);
      expect(parts.map((p) => p.headers.name)).toEqual(['a', 'b']);
    }
  });

  it('reads header names in any case and parameters quoted or unquoted', async () => {
    const body = concat(
      utf8(`--${BOUNDARY}\r\ncontent-disposition: form-data; name=plain; filename=a.txt\r\n`),
      utf8('CONTENT-TYPE: text/plain; charset=utf-8\r\nX-Extra:  kept  \r\n\r\nx\r\n'),
      utf8(`--${BOUNDARY}\r\nContent-Disposition: FORM-DATA; NAME="semi;colon \\"q\\""; `),
      utf8('FileName="C:\\\\dir\\\\b.txt"\r\n\r\ny\r\n'),
      close,
    );
    const [first, second] = await parse([body], BOUNDARY);
    expect(first!.headers).toEqual({
      name: 'plain',
      filename: 'a.txt',
      contentType: 'text/plain; charset=utf-8',
      raw: {
        'content-disposition': 'form-data; name=plain; filename=a.txt',
        'content-type': 'text/plain; charset=utf-8',
        'x-extra': 'kept',
      },
    });
    expect(second!.headers.name).toBe('semi;colon "q"');
    expect(second!.headers.filename).toBe('C:\\dir\\b.txt');
  });

  it('prefers filename* (RFC 8187) to filename', async () => {
    const body = concat(
      utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="Oficio.pdf"; `),
      utf8("filename*=UTF-8''Of%C3%ADcio%20n%C2%BA%201.pdf\r\n\r\n\r\n"),
      utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="g"; `),
      utf8("filename*=iso-8859-1'pt'a%E7%E3o.txt\r\n\r\n\r\n"),
      utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="h"; filename="fallback.txt"; `),
      utf8("filename*=UTF-8''%FF%FE.txt\r\n\r\n\r\n"),
      close,
    );
    const parts = await parse([body], BOUNDARY);
    expect(parts.map((p) => p.headers.filename)).toEqual([
      'Ofício nº 1.pdf',
      'ação.txt',
      'fallback.txt',
    ]);
  });

  it('reads header bytes that are not UTF-8 as ISO-8859-1', async () => {
    const body = concat(
      utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="of`),
      Uint8Array.of(0xed), // 'í' in ISO-8859-1, as older SEI (PHP) clients send it
      utf8(`cio.pdf"\r\n\r\nx\r\n`),
      close,
    );
    const [part] = await parse([body], BOUNDARY);
    expect(part!.headers.filename).toBe('ofício.pdf');
  });

  it('yields a part whose body is empty, and a part with no headers', async () => {
    const body = utf8(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="empty"; filename=""\r\n\r\n\r\n` +
        `--${BOUNDARY}\r\n\r\nno headers\r\n--${BOUNDARY}--`,
    );
    for (const chunks of [[body], splitEvery(body, 1)]) {
      const parts = await parse(chunks, BOUNDARY);
      expect(parts).toHaveLength(2);
      expect(parts[0]!.headers.name).toBe('empty');
      expect(parts[0]!.headers.filename).toBe('');
      expect(parts[0]!.bytes).toHaveLength(0);
      expect(parts[1]!.headers).toEqual({
        name: undefined,
        filename: undefined,
        contentType: undefined,
        raw: {},
      });
      expect(new TextDecoder().decode(parts[1]!.bytes)).toBe('no headers');
    }
  });

  it('yields nothing for a form with no fields', async () => {
    expect(await parse([utf8(`--${BOUNDARY}--\r\n`)], BOUNDARY)).toEqual([]);
  });

  it('finds a boundary split across two chunks, at every offset', async () => {
    const body = concat(field('a', tricky), field('b', ''), field('c', tricky), close);
    for (let cut = 0; cut <= body.length; cut++) {
      const parts = await parse(splitAt(body, cut), BOUNDARY);
      expect(parts.map((p) => p.headers.name)).toEqual(['a', 'b', 'c']);
      expect(parts[0]!.bytes).toEqual(tricky);
      expect(parts[1]!.bytes).toHaveLength(0);
      expect(parts[2]!.bytes).toEqual(tricky);
    }
  });

  it('finds boundaries split across three chunks and in one-byte chunks', async () => {
    const body = concat(field('a', tricky), field('b', tricky), close);
    const delimiterLength = `\r\n--${BOUNDARY}`.length;
    const second = field('a', tricky).length;
    for (let a = second - delimiterLength - 2; a <= second + 2; a++) {
      for (let b = a; b <= second + 4; b++) {
        const parts = await parse(splitAt(body, a, b), BOUNDARY);
        expect(parts.map((p) => p.bytes)).toEqual([tricky, tricky]);
      }
    }
    const parts = await parse(splitEvery(body, 1), BOUNDARY);
    expect(parts.map((p) => p.bytes)).toEqual([tricky, tricky]);
  });

  it('gives the same names, filenames, headers and bytes as @remix-run/multipart-parser on random bodies', async () => {
    const seed = 20261123;
    const random = prng(seed);
    const int = (max: number) => Math.floor(random() * max); // 0 … max-1
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    const bchars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?";
    const nameChars = ['a', 'b', 'Z', '0', '_', '-', '.', ' ', ';', '=', 'ç', 'ã', '€', '"', '\\'];

    const randomBoundary = (): string => {
      const kind = int(4);
      if (kind === 0) return pick(['-', 'a', '--', 'x-', '0']);
      if (kind === 1) return `----WebKitFormBoundary${int(1e9).toString(36)}`;
      const length = 1 + int(70);
      let b = '';
      for (let i = 0; i < length; i++) b += pick([...bchars]);
      return b;
    };
    const randomName = (): string => {
      let name = '';
      for (let i = 1 + int(12); i > 0; i--) name += pick(nameChars);
      return `x${name}x`; // no leading or trailing space: the reference trims values
    };
    const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    const randomContent = (delimiter: Uint8Array): Uint8Array => {
      const pieces: Uint8Array[] = [];
      const target = pick([0, 0, 1, 2, 5, 40, 300, 1500]);
      let size = 0;
      while (size < target) {
        let piece: Uint8Array;
        switch (int(7)) {
          case 0:
            piece = Uint8Array.of(13, 10);
            break;
          case 1:
            piece = utf8('--');
            break;
          case 2: // a proper prefix of the delimiter
            piece = delimiter.slice(0, 1 + int(delimiter.length - 1));
            break;
          case 3: // the delimiter with one byte changed
            piece = delimiter.slice();
            {
              const at = 1 + int(piece.length - 1);
              piece[at] = piece[at]! ^ (1 + int(255));
            }
            break;
          case 4: // the boundary line without its leading CRLF
            piece = delimiter.slice(2);
            break;
          default:
            piece = new Uint8Array(1 + int(64)).map(() => int(256));
        }
        pieces.push(piece);
        size += piece.length;
      }
      return concat(...pieces);
    };
    const containsAt = (haystack: Uint8Array, needle: Uint8Array): boolean => {
      outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
        for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
        return true;
      }
      return false;
    };

    let compared = 0;
    for (let round = 0; round < 250; round++) {
      const boundary = randomBoundary();
      const delimiter = utf8(`\r\n--${boundary}`);
      const pieces: Uint8Array[] = [];
      for (let n = int(5); n > 0; n--) {
        let content = randomContent(delimiter);
        // A sender chooses a boundary absent from the content (RFC 2046 §5.1.1).
        while (containsAt(content, delimiter)) content = randomContent(delimiter);
        const disposition = pick([
          'Content-Disposition',
          'content-disposition',
          'CONTENT-DISPOSITION',
        ]);
        let header = `${disposition}: form-data; name=${quote(randomName())}`;
        const fileKind = int(4);
        if (fileKind === 1) header += `; filename=${quote(randomName())}`;
        if (fileKind === 2) {
          header += `; filename="fallback.bin"; filename*=UTF-8''${encodeURIComponent(randomName())}`;
        }
        if (int(2) === 0)
          header += `\r\nContent-Type: ${pick(['application/pdf', 'text/plain; charset=utf-8'])}`;
        pieces.push(utf8(`--${boundary}\r\n${header}\r\n\r\n`), content, utf8('\r\n'));
      }
      pieces.push(utf8(`--${boundary}--`), pick([utf8(''), utf8('\r\n'), utf8('\r\nepilogue')]));
      const body = concat(...pieces);

      const expected = [
        ...parseMultipart(body, { boundary, maxFileSize: Infinity, maxTotalSize: Infinity }),
      ].map((part) => ({
        name: part.name,
        filename: part.filename,
        raw: { ...part.headers },
        bytes: part.bytes,
      }));

      const chunkings: Uint8Array[][] = [
        [body],
        chunkRandomly(body, 1 + int(delimiter.length + 3)),
      ];
      if (round % 4 === 0) chunkings.push(splitEvery(body, 1));
      for (const chunks of chunkings) {
        const actual = (await parse(chunks, boundary)).map((part) => ({
          name: part.headers.name,
          filename: part.headers.filename,
          raw: { ...part.headers.raw },
          bytes: part.bytes,
        }));
        expect(actual, `seed ${seed}, round ${round}, boundary ${boundary}`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);

    function chunkRandomly(bytes: Uint8Array, maxSize: number): Uint8Array[] {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length;) {
        const size = 1 + int(maxSize);
        chunks.push(bytes.slice(i, i + size));
        i += size;
      }
      return chunks;
    }
  });

  it('errors the part body with truncated when the body ends inside a part', async () => {
    const body = utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nhalf a fi`);
    for (const chunks of [[body], splitEvery(body, 3)]) {
      const parts = parseMultipartStream(streamOf(chunks), BOUNDARY);
      const first = await parts.next();
      expect(first.done).toBe(false);
      const part = first.value as StreamedPart;
      expect(await multipartReason(readAll(part.body))).toBe('truncated');
      expect(await multipartReason(parts.next())).toBe('truncated');
    }
  });

  it('errors the part body with truncated when the body is cut inside a delimiter', async () => {
    const body = utf8(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nall\r\n--${BOUNDARY.slice(0, 5)}`,
    );
    const parts = parseMultipartStream(streamOf([body]), BOUNDARY);
    const part = (await parts.next()).value as StreamedPart;
    expect(await multipartReason(readAll(part.body))).toBe('truncated');
  });

  it('rejects as truncated a body that ends inside part headers or before the closing dashes', async () => {
    const inHeaders = utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; na`);
    expect(await multipartReason(parse([inHeaders], BOUNDARY))).toBe('truncated');
    const noClose = concat(field('a', '1'), utf8(`--${BOUNDARY}`));
    expect(await multipartReason(parse([noClose], BOUNDARY))).toBe('truncated');
    const halfClose = concat(field('a', '1'), utf8(`--${BOUNDARY}-`));
    expect(await multipartReason(parse([halfClose], BOUNDARY))).toBe('truncated');
  });

  it('refuses a missing or invalid boundary with no_boundary', async () => {
    const body = concat(field('a', '1'), close);
    expect(await multipartReason(parse([body], ''))).toBe('no_boundary');
    expect(await multipartReason(parse([body], 'a'.repeat(71)))).toBe('no_boundary');
    expect(await multipartReason(parse([body], 'bad\r\nboundary'))).toBe('no_boundary');
  });

  it('rejects as malformed a body without the delimiter, or a boundary followed by other text', async () => {
    const body = concat(field('a', '1'), close);
    expect(await multipartReason(parse([body], 'another-boundary'))).toBe('malformed');
    expect(await multipartReason(parse([], BOUNDARY))).toBe('malformed');
    const longer = utf8(`--${BOUNDARY}X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n`);
    expect(await multipartReason(parse([concat(longer, close)], BOUNDARY))).toBe('malformed');
    const noCrlf = utf8(`--${BOUNDARY} x\r\n\r\n`);
    expect(await multipartReason(parse([concat(noCrlf, close)], BOUNDARY))).toBe('malformed');
  });

  it('rejects as malformed part headers that could be read two ways', async () => {
    const twice = concat(field('a', '1', 'Content-Disposition: form-data; name="b"\r\n'), close);
    expect(await multipartReason(parse([twice], BOUNDARY))).toBe('malformed');
    const repeatedName = utf8(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"; name="b"\r\n\r\n1\r\n--${BOUNDARY}--`,
    );
    expect(await multipartReason(parse([repeatedName], BOUNDARY))).toBe('malformed');
    const unterminated = utf8(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\r\n\r\n1\r\n--${BOUNDARY}--`,
    );
    expect(await multipartReason(parse([unterminated], BOUNDARY))).toBe('malformed');
    const noColon = utf8(
      `--${BOUNDARY}\r\nContent-Disposition form-data\r\n\r\n1\r\n--${BOUNDARY}--`,
    );
    expect(await multipartReason(parse([noColon], BOUNDARY))).toBe('malformed');
  });

  it('yields maxParts parts and then fails with too_many_parts', async () => {
    const body = concat(field('a', '1'), field('b', '2'), field('c', '3'), close);
    const seen: string[] = [];
    const parts = parseMultipartStream(streamOf([body]), BOUNDARY, { maxParts: 2 });
    const error = await rejection(
      (async () => {
        for await (const part of parts) {
          seen.push(part.headers.name!);
          await readAll(part.body);
        }
      })(),
    );
    expect(seen).toEqual(['a', 'b']);
    expect((error as MultipartError).reason).toBe('too_many_parts');
    expect(await parse([body], BOUNDARY, { maxParts: 3 })).toHaveLength(3);
  });

  it('fails with header_too_large when part headers exceed maxHeaderBytes', async () => {
    const header = `Content-Disposition: form-data; name="${'n'.repeat(100)}"`;
    const body = utf8(`--${BOUNDARY}\r\n${header}\r\n\r\n1\r\n--${BOUNDARY}--`);
    expect(await parse([body], BOUNDARY, { maxHeaderBytes: header.length })).toHaveLength(1);
    for (const chunks of [[body], splitEvery(body, 1)]) {
      const reason = await multipartReason(
        parse(chunks, BOUNDARY, { maxHeaderBytes: header.length - 1 }),
      );
      expect(reason).toBe('header_too_large');
    }
    // Without a blank line the parser stops reading once the limit is passed.
    const endless = utf8(`--${BOUNDARY}\r\nX-Filler: ${'y'.repeat(10_000)}`);
    const reason = await multipartReason(
      parse(splitEvery(endless, 100), BOUNDARY, { maxHeaderBytes: 1000 }),
    );
    expect(reason).toBe('header_too_large');
  });

  it('discards an unread part body when the iterator advances, and errors it if read later', async () => {
    const body = concat(field('skipped', tricky), field('empty', ''), field('read', 'kept'), close);
    const parts = parseMultipartStream(streamOf(splitEvery(body, 5)), BOUNDARY);
    const skipped = (await parts.next()).value as StreamedPart;
    const empty = (await parts.next()).value as StreamedPart;
    const read = (await parts.next()).value as StreamedPart;
    expect(new TextDecoder().decode(await readAll(read.body))).toBe('kept');
    expect((await parts.next()).done).toBe(true);
    await expect(readAll(skipped.body)).rejects.toThrow(TypeError);
    expect(await readAll(empty.body)).toHaveLength(0); // nothing was discarded: an honest end
  });

  it('goes on to the next part after a part body is cancelled', async () => {
    const body = concat(field('a', tricky), field('b', 'second'), close);
    const names: string[] = [];
    const contents: string[] = [];
    for await (const part of parseMultipartStream(streamOf(splitEvery(body, 4)), BOUNDARY)) {
      names.push(part.headers.name!);
      if (part.headers.name === 'a') {
        const reader = part.body.getReader();
        await reader.read();
        await reader.cancel();
      } else {
        contents.push(new TextDecoder().decode(await readAll(part.body)));
      }
    }
    expect(names).toEqual(['a', 'b']);
    expect(contents).toEqual(['second']);
  });

  it('releases the source when iteration ends, fails or stops early', async () => {
    const body = concat(field('a', '1'), field('b', '2'), close);
    const whole = streamOf([body]);
    await readParts(parseMultipartStream(whole, BOUNDARY));
    expect(whole.locked).toBe(false);

    const stopped = streamOf(splitEvery(body, 3));
    let kept: StreamedPart | undefined;
    for await (const part of parseMultipartStream(stopped, BOUNDARY)) {
      kept = part;
      break;
    }
    expect(stopped.locked).toBe(false);
    await expect(readAll(kept!.body)).rejects.toThrow(TypeError); // it can no longer be completed

    const failing = streamOf([utf8('no delimiter here')]);
    await rejection(readParts(parseMultipartStream(failing, BOUNDARY)));
    expect(failing.locked).toBe(false);
  });

  it('fails loudly, not with wrong bytes, when a consumer transfers the buffer of a part chunk', async () => {
    const body = concat(field('a', 'first'), field('b', 'second'), close);
    const parts = parseMultipartStream(streamOf([body]), BOUNDARY);
    const first = (await parts.next()).value as StreamedPart;
    const reader = first.body.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('first');
    structuredClone(value!.buffer, { transfer: [value!.buffer] }); // detaches the source chunk
    await expect(parts.next()).rejects.toThrow(TypeError);
  });

  it('passes on an error of the source stream', async () => {
    const cause = new Error('connection reset');
    let sent = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(cause);
        sent = true;
        controller.enqueue(
          utf8(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc`),
        );
      },
    });
    const parts = parseMultipartStream(source, BOUNDARY);
    const part = (await parts.next()).value as StreamedPart;
    expect(await rejection(readAll(part.body))).toBe(cause);
    expect(await rejection(parts.next())).toBe(cause);
  });

  it('streams a 64 MiB part read in 1 MiB chunks, holding at most one chunk plus a delimiter', async () => {
    const MiB = 1024 * 1024;
    const blocks = 64;
    const boundary = '----EloLargePartBoundary';
    const delimiter = utf8(`\r\n--${boundary}`);
    const head = utf8(
      `--${boundary}\r\nContent-Disposition: form-data; name="componente"; filename="big.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const tail = utf8(`\r\n--${boundary}--\r\n`);

    // Content block k: xorshift32 noise with proper delimiter prefixes sprinkled in, made on demand.
    const expectedDigests: Promise<ArrayBuffer>[] = [];
    const makeBlock = (k: number): Uint8Array => {
      const words = new Uint32Array(MiB / 4);
      let x = (k + 1) * 2654435761;
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x;
      }
      const block = new Uint8Array(words.buffer);
      // A proper prefix of the delimiter, then a byte that cannot continue it.
      const sprinkle = (at: number, length: number) => {
        block.set(delimiter.subarray(0, length), at);
        block[at + length] = 0;
      };
      for (let at = 1000 + k; at < MiB - delimiter.length; at += 65_537) {
        sprinkle(at, 1 + (at % (delimiter.length - 1)));
      }
      // …and one across the end of each source chunk, which the head shifts into the block.
      sprinkle(MiB - head.length - 10, delimiter.length - 1);
      expectedDigests.push(crypto.subtle.digest('SHA-256', block));
      return block;
    };

    let received = 0;
    let largestHeld = 0;
    // The source: head, the blocks and tail, re-cut into 1 MiB chunks that straddle the blocks.
    let pulled = 0;
    let nextBlock = 0;
    let pending: Uint8Array[] = [head];
    const source = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const chunk = new Uint8Array(MiB);
          let filled = 0;
          while (filled < MiB) {
            if (pending.length === 0) {
              if (nextBlock < blocks) pending = [makeBlock(nextBlock++)];
              else if (nextBlock === blocks) {
                pending = [tail];
                nextBlock++;
              } else break;
            }
            const piece = pending[0]!;
            const take = Math.min(piece.length, MiB - filled);
            chunk.set(piece.subarray(0, take), filled);
            filled += take;
            if (take === piece.length) pending.shift();
            else pending[0] = piece.subarray(take);
          }
          if (filled === 0) return controller.close();
          pulled += filled;
          // What the parser holds once it has this chunk: all it read minus what it delivered.
          largestHeld = Math.max(largestHeld, pulled - head.length - tail.length - received);
          controller.enqueue(chunk.subarray(0, filled));
        },
      },
      { highWaterMark: 0 },
    );

    const actualDigests: Promise<ArrayBuffer>[] = [];
    const block = new Uint8Array(MiB);
    let inBlock = 0;
    let partCount = 0;
    for await (const part of parseMultipartStream(source, boundary)) {
      partCount++;
      expect(part.headers.filename).toBe('big.bin');
      const reader = part.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
        for (let offset = 0; offset < value.length;) {
          const take = Math.min(MiB - inBlock, value.length - offset);
          block.set(value.subarray(offset, offset + take), inBlock);
          inBlock += take;
          offset += take;
          if (inBlock === MiB) {
            actualDigests.push(crypto.subtle.digest('SHA-256', block)); // copies its input at once
            inBlock = 0;
          }
        }
      }
    }

    expect(partCount).toBe(1);
    expect(received).toBe(blocks * MiB);
    expect(inBlock).toBe(0);
    expect(largestHeld).toBeLessThanOrEqual(MiB + delimiter.length);
    const hex = (buffers: ArrayBuffer[]) =>
      buffers.map((b) =>
        [...new Uint8Array(b)].map((n) => n.toString(16).padStart(2, '0')).join(''),
      );
    expect(hex(await Promise.all(actualDigests))).toEqual(hex(await Promise.all(expectedDigests)));
  });
});
