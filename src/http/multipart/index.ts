export { boundaryFromContentType } from './boundary.ts';
export { MultipartError, type MultipartErrorReason } from './multipart-error.ts';
export type { MultipartPartHeaders } from './part-headers.ts';
export {
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_PARTS,
  parseMultipartStream,
  type MultipartLimits,
  type StreamedPart,
} from './parse-multipart-stream.ts';
