import {
  decodeExtValue,
  decodeLatin1,
  decodeUtf8,
  parseParameterizedValue,
} from './header-params.ts';
import { MultipartError } from './multipart-error.ts';

/** The header section of one part (RFC 7578 §4.2, §4.4). */
export interface MultipartPartHeaders {
  /** The Content-Disposition `name` parameter: the form field's name. */
  name: string | undefined;
  /** The Content-Disposition `filename*` (RFC 8187) if present and decodable, else `filename`. */
  filename: string | undefined;
  /** The Content-Type header value as sent (trimmed), parameters included. */
  contentType: string | undefined;
  /** Every header, names lower-cased, values trimmed; repeated headers joined with ", ". */
  raw: Record<string, string>;
}

/** Headers that must appear at most once: two of them would let two readers see two parts. */
const SINGLE_HEADERS = new Set(['content-disposition', 'content-type']);

const malformed = (message: string): MultipartError => new MultipartError('malformed', message);

/**
 * Parses the bytes between a boundary line and the blank line that ends the part's headers.
 * RFC 7578 §5.1 lets field names and filenames be raw UTF-8; bytes that are not valid UTF-8 are
 * read as ISO-8859-1, the charset of older PHP clients such as SEI, instead of being refused.
 */
export function parsePartHeaders(block: Uint8Array): MultipartPartHeaders {
  const text = decodeUtf8(block) ?? decodeLatin1(block);
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  let lastName: string | undefined;
  if (text !== '') {
    for (const line of text.split('\r\n')) {
      if (line.includes('\r') || line.includes('\n')) {
        throw malformed('a part header contains a bare CR or LF');
      }
      if (line.startsWith(' ') || line.startsWith('\t')) {
        // Obsolete line folding (RFC 5322 §3.2.2): the line continues the previous header.
        if (lastName === undefined) throw malformed('the part headers start with a folded line');
        raw[lastName] = `${raw[lastName]} ${line.trim()}`.trim();
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
      if (name === '') throw malformed('a part header line has no name');
      const value = line.slice(colon + 1).trim();
      const existing = raw[name];
      if (existing !== undefined && SINGLE_HEADERS.has(name)) {
        throw malformed(`the part repeats the ${name} header`);
      }
      raw[name] = existing === undefined ? value : `${existing}, ${value}`;
      lastName = name;
    }
  }

  let name: string | undefined;
  let filename: string | undefined;
  const disposition = raw['content-disposition'];
  if (disposition !== undefined) {
    const parsed = parseParameterizedValue(disposition);
    if (parsed === undefined) throw malformed('the part has an unreadable Content-Disposition');
    name = parsed.params.get('name');
    filename = parsed.params.get('filename');
    // RFC 6266 §4.3: prefer filename* when the recipient understands it.
    const extended = parsed.params.get('filename*');
    const decoded = extended === undefined ? undefined : decodeExtValue(extended);
    if (decoded !== undefined && decoded !== '') filename = decoded;
  }
  return { name, filename, contentType: raw['content-type'], raw };
}
