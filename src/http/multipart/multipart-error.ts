/**
 * Why a multipart body was refused. The HTTP layer maps each reason to the error catalogue
 * (e.g. `truncated` and `malformed` to a 400, `too_many_parts` and `header_too_large` to a 413).
 */
export type MultipartErrorReason =
  'no_boundary' | 'malformed' | 'truncated' | 'too_many_parts' | 'header_too_large';

/** A multipart/form-data body that cannot be parsed, or that exceeds a limit. */
export class MultipartError extends Error {
  readonly reason: MultipartErrorReason;

  constructor(reason: MultipartErrorReason, message: string) {
    super(message);
    this.name = 'MultipartError';
    this.reason = reason;
  }
}
