import { isValidBoundary } from './boundary.ts';
import { ByteSearch } from './byte-search.ts';
import { MultipartError } from './multipart-error.ts';
import { parsePartHeaders, type MultipartPartHeaders } from './part-headers.ts';

/** One part of a multipart body: its headers, and its content as it arrives. */
export interface StreamedPart {
  headers: MultipartPartHeaders;
  body: ReadableStream<Uint8Array>;
}

export interface MultipartLimits {
  /** Most parts accepted; one more fails with `too_many_parts`. Default 1000. */
  maxParts?: number;
  /** Most bytes in one part's header section; more fails with `header_too_large`. Default 8 KiB. */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_PARTS = 1000;
export const DEFAULT_MAX_HEADER_BYTES = 8 * 1024;

/**
 * Iterates the parts of a multipart body. Each part's `body` must be consumed (or cancelled) before
 * the iterator advances; advancing without consuming discards the rest of that part. Memory stays
 * bounded by the chunk size plus the boundary length, whatever the part size.
 *
 * Part bodies are views into the chunks read from `body` (no copy; copy a chunk before transferring
 * its buffer) and are only pulled from `body` as the consumer reads them. A body that ends before the closing delimiter errors the part body
 * (or the iterator) with `MultipartError('truncated')`, so a cut upload never looks complete.
 *
 * The parser never cancels `body`: when iteration ends or stops early it releases its reader and
 * leaves the rest (an epilogue, or a refused remainder) to the body's owner, which can drain it so
 * that the client still reads the response. A part body still open at that point errors.
 *
 * @example
 * for await (const part of parseMultipartStream(request.body, boundary)) {
 *   if (part.headers.filename === undefined) await part.body.cancel();
 *   else await staging.stage(part.body, maxSize);
 * }
 */
export async function* parseMultipartStream(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  limits?: MultipartLimits,
): AsyncGenerator<StreamedPart, void, void> {
  if (!isValidBoundary(boundary)) {
    throw new MultipartError('no_boundary', 'the multipart boundary is missing or invalid');
  }
  const parser = new MultipartStreamParser(body.getReader(), boundary, {
    maxParts: limits?.maxParts ?? DEFAULT_MAX_PARTS,
    maxHeaderBytes: limits?.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
  });
  try {
    for (;;) {
      const headers = await parser.nextPart();
      if (headers === undefined) return;
      yield { headers, body: parser.openBody() };
    }
  } finally {
    await parser.close();
  }
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;
const EMPTY = new Uint8Array(0);
const HEADER_END = new ByteSearch(Uint8Array.of(CR, LF, CR, LF));

/**
 * Where the parser stands in RFC 2046 §5.1.1's grammar:
 * - `preamble`: before the first delimiter, discarding;
 * - `body`: inside a part's content, looking for the next delimiter;
 * - `boundary`: just after a delimiter, before its `--` or its transport padding and CRLF;
 * - `done`: after the close delimiter.
 */
type State = 'preamble' | 'body' | 'boundary' | 'done';

interface OpenPart {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Closed, errored or cancelled: the controller takes no more calls. */
  settled: boolean;
}

class MultipartStreamParser {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #delimiter: ByteSearch;
  readonly #maxParts: number;
  readonly #maxHeaderBytes: number;

  /**
   * Unconsumed input is `#window[#pos, #end)`. The window is either a chunk from the source, used
   * in place, or an array of ours holding a short carry-over plus the next chunk (`#owned`). Bytes
   * before `#pos` may have been handed to a consumer, so they are never written again.
   */
  #window: Uint8Array;
  #pos = 0;
  #end: number;
  #owned = false;

  #state: State = 'preamble';
  #parts = 0;
  #failure: { error: unknown } | undefined;
  #part: OpenPart | undefined;
  #released = false;
  /** Reads of the source are serialised: the iterator and a part body may both ask for more. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    boundary: string,
    limits: { maxParts: number; maxHeaderBytes: number },
  ) {
    this.#reader = reader;
    this.#delimiter = new ByteSearch(new TextEncoder().encode(`\r\n--${boundary}`));
    this.#maxParts = limits.maxParts;
    this.#maxHeaderBytes = limits.maxHeaderBytes;
    // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to it, and the first delimiter may open
    // the body with no CRLF before it. Starting as if the body began with CRLF lets one search
    // find the first delimiter and every later one.
    this.#window = Uint8Array.of(CR, LF);
    this.#end = 2;
  }

  /** Headers of the next part, or undefined after the close delimiter. */
  nextPart(): Promise<MultipartPartHeaders | undefined> {
    return this.#exclusive(async () => {
      if (this.#failure !== undefined) throw this.#failure.error;
      try {
        this.#checkWindow();
        await this.#leavePart();
        while (this.#state === 'preamble') await this.#nextSegment();
        if (this.#state === 'done') return undefined;
        if (!(await this.#readBoundaryLine())) return undefined;
        if (++this.#parts > this.#maxParts) {
          throw new MultipartError(
            'too_many_parts',
            `the body has more than ${this.#maxParts} parts`,
          );
        }
        return parsePartHeaders(await this.#readHeaderBlock());
      } catch (error) {
        this.#fail(error);
        throw error;
      }
    });
  }

  /** A stream of the current part's content; opened once per part, right after `nextPart`. */
  openBody(): ReadableStream<Uint8Array> {
    let part: OpenPart | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          part = { controller, settled: false };
        },
        pull: () => this.#pullBody(part!),
        cancel: () => {
          part!.settled = true; // the rest is discarded when the iterator advances
        },
      },
      // Read from the source only when the consumer reads: no hidden buffering.
      { highWaterMark: 0 },
    );
    this.#part = part;
    return stream;
  }

  /**
   * Releases the source reader when iteration ends or stops. A part body still open then errors:
   * it can no longer be read to its end, and must not look complete.
   */
  close(): Promise<void> {
    return this.#exclusive(async () => {
      const part = this.#part;
      if (part !== undefined && !part.settled) {
        part.settled = true;
        part.controller.error(
          new TypeError(
            'the multipart iteration stopped before this part body was read to its end',
          ),
        );
      }
      this.#release();
    });
  }

  #pullBody(part: OpenPart): Promise<void> {
    return this.#exclusive(async () => {
      if (part.settled) return;
      try {
        this.#checkWindow();
        const data = await this.#nextSegment();
        if (part.settled) return; // cancelled while we read
        if (data.length > 0) part.controller.enqueue(data);
        if (this.#state !== 'body') {
          part.settled = true;
          part.controller.close();
        }
      } catch (error) {
        this.#fail(error);
      }
    });
  }

  /** Skips what the consumer left of the current part, and closes its stream. */
  async #leavePart(): Promise<void> {
    let discarded = 0;
    while (this.#state === 'body') discarded += (await this.#nextSegment()).length;
    const part = this.#part;
    this.#part = undefined;
    if (part === undefined || part.settled) return;
    if (discarded === 0) {
      part.controller.close();
    } else {
      // The consumer never saw these bytes: a later read must not end as if the part were whole.
      part.controller.error(
        new TypeError('the multipart iterator advanced before this part body was read to its end'),
      );
    }
    part.settled = true;
  }

  /**
   * In `preamble` or `body`: the next run of content bytes (possibly empty), moving to `boundary`
   * once the delimiter that ends them is consumed. Holds back only a tail that may begin a
   * delimiter.
   */
  async #nextSegment(): Promise<Uint8Array> {
    const delimiter = this.#delimiter;
    for (;;) {
      const window = this.#window;
      const pos = this.#pos;
      const end = this.#end;
      const at = delimiter.indexIn(window, pos, end);
      if (at >= 0) {
        this.#pos = at + delimiter.length;
        this.#state = 'boundary';
        return at > pos ? window.subarray(pos, at) : EMPTY;
      }
      const keep = delimiter.partialTailStart(window, pos, end);
      if (keep > pos) {
        this.#pos = keep;
        return window.subarray(pos, keep);
      }
      if (!(await this.#fill())) {
        throw this.#state === 'preamble'
          ? new MultipartError('malformed', 'the body contains no multipart boundary delimiter')
          : new MultipartError('truncated', 'the body ended inside a part, before its delimiter');
      }
    }
  }

  /**
   * After a delimiter: true when a part follows (the window is left at the CRLF ending the
   * boundary line), false after a close delimiter `--`. RFC 2046 §5.1.1 allows transport padding
   * (spaces and tabs) before the CRLF.
   */
  async #readBoundaryLine(): Promise<boolean> {
    await this.#need(2);
    if (this.#window[this.#pos] === DASH) {
      if (this.#window[this.#pos + 1] !== DASH) throw this.#badBoundaryLine();
      this.#pos += 2;
      this.#state = 'done';
      return false;
    }
    let padding = 0;
    for (;;) {
      while (this.#pos < this.#end) {
        const byte = this.#window[this.#pos];
        if (byte !== SPACE && byte !== TAB) break;
        this.#pos++;
        padding++;
      }
      if (padding > this.#maxHeaderBytes) throw this.#badBoundaryLine();
      if (this.#pos < this.#end) break;
      await this.#need(1);
    }
    await this.#need(2);
    if (this.#window[this.#pos] !== CR || this.#window[this.#pos + 1] !== LF) {
      throw this.#badBoundaryLine();
    }
    return true;
  }

  #badBoundaryLine(): MultipartError {
    return new MultipartError('malformed', 'a boundary delimiter is followed by other characters');
  }

  /**
   * The header section of the part that starts at the CRLF ending its boundary line. Searching
   * for CRLFCRLF from that CRLF also finds an empty header section.
   */
  async #readHeaderBlock(): Promise<Uint8Array> {
    let scanned = 0; // bytes after #pos where no CRLFCRLF can start any more
    for (;;) {
      const start = this.#pos;
      const at = HEADER_END.indexIn(this.#window, start + scanned, this.#end);
      if (at >= 0) {
        if (at - start - 2 > this.#maxHeaderBytes) throw this.#headerTooLarge();
        const block = at > start ? this.#window.subarray(start + 2, at) : EMPTY;
        this.#pos = at + HEADER_END.length;
        this.#state = 'body';
        return block;
      }
      const held = this.#end - start;
      if (held - 2 > this.#maxHeaderBytes + HEADER_END.length) throw this.#headerTooLarge();
      scanned = Math.max(0, held - (HEADER_END.length - 1));
      await this.#need(held + 1);
    }
  }

  #headerTooLarge(): MultipartError {
    return new MultipartError(
      'header_too_large',
      `a part's headers exceed ${this.#maxHeaderBytes} bytes`,
    );
  }

  /** Reads until `n` unconsumed bytes are held; a body that ends first is truncated. */
  async #need(n: number): Promise<void> {
    while (this.#end - this.#pos < n) {
      if (!(await this.#fill())) {
        throw new MultipartError('truncated', 'the body ended before its close delimiter');
      }
    }
  }

  /** Appends the next non-empty chunk of the source to the window; false at its end. */
  async #fill(): Promise<boolean> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      if (value.length === 0) continue;
      this.#checkWindow();
      this.#append(value);
      return true;
    }
  }

  #append(chunk: Uint8Array): void {
    const rest = this.#end - this.#pos;
    if (rest === 0) {
      this.#window = chunk;
      this.#pos = 0;
      this.#end = chunk.length;
      this.#owned = false;
      return;
    }
    if (this.#owned && this.#window.length - this.#end >= chunk.length) {
      this.#window.set(chunk, this.#end);
      this.#end += chunk.length;
      return;
    }
    // The carry-over is short (less than a delimiter) except while headers are gathered from
    // small chunks; doubling then keeps the copying linear.
    const size = Math.max(rest + chunk.length, rest * 2, 256);
    const window = new Uint8Array(size);
    window.set(this.#window.subarray(this.#pos, this.#end), 0);
    window.set(chunk, rest);
    this.#window = window;
    this.#pos = 0;
    this.#end = rest + chunk.length;
    this.#owned = true;
  }

  /**
   * Part chunks share their buffer with bytes not parsed yet. A consumer that transfers a chunk's
   * buffer (enqueueing it into a byte stream does) detaches those bytes too: fail loudly rather
   * than parse an emptied window.
   */
  #checkWindow(): void {
    if (this.#end > this.#pos && this.#window.length < this.#end) {
      throw new TypeError(
        'a multipart part chunk was transferred; copy chunks before transferring',
      );
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    const part = this.#part;
    if (part !== undefined && !part.settled) {
      part.settled = true;
      part.controller.error(error);
    }
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#reader.releaseLock();
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
