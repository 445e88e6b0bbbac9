import { parseParameterizedValue } from './header-params.ts';

/**
 * RFC 2046 §5.1.1: a boundary is 1 to 70 characters and does not end with a space. The RFC's
 * `bchars` set is narrower than printable ASCII; real clients stay inside it, and accepting the
 * rest of printable ASCII costs nothing, while CR, LF and non-ASCII characters would make the
 * delimiter line ambiguous.
 */
export function isValidBoundary(boundary: string): boolean {
  if (boundary.length < 1 || boundary.length > 70 || boundary.endsWith(' ')) return false;
  for (let i = 0; i < boundary.length; i++) {
    const code = boundary.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/**
 * Extracts the boundary from a Content-Type header value (quoted or not); undefined if absent or
 * not multipart/form-data.
 *
 * @example
 * boundaryFromContentType('multipart/form-data; boundary="----x"'); // '----x'
 */
export function boundaryFromContentType(
  contentType: string | null | undefined,
): string | undefined {
  if (contentType === null || contentType === undefined) return undefined;
  const parsed = parseParameterizedValue(contentType);
  if (parsed === undefined || parsed.value !== 'multipart/form-data') return undefined;
  const boundary = parsed.params.get('boundary');
  return boundary !== undefined && isValidBoundary(boundary) ? boundary : undefined;
}
