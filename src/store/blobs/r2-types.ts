/**
 * The part of Cloudflare R2's Worker binding API that Elo uses, declared here (as d1/d1-types.ts
 * does for D1) so that the store needs no runtime's type package: the Worker passes `env.BLOBS`,
 * the tests Miniflare's `getR2Bucket()`. https://developers.cloudflare.com/r2/api/workers/workers-api-reference/
 */
export interface R2Object {
  key: string;
  size: number;
  etag: string;
  uploaded: Date;
  customMetadata?: Record<string, string>;
}

export interface R2ObjectBody extends R2Object {
  body: ReadableStream<Uint8Array>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface R2UploadedPart {
  partNumber: number;
  etag: string;
}

export interface R2MultipartUpload {
  uploadPart(partNumber: number, value: ArrayBuffer | Uint8Array | string): Promise<R2UploadedPart>;
  abort(): Promise<void>;
  complete(parts: R2UploadedPart[]): Promise<R2Object>;
}

export interface R2Objects {
  objects: R2Object[];
  truncated: boolean;
  cursor?: string;
  delimitedPrefixes: string[];
}

export interface R2Bucket {
  head(key: string): Promise<R2Object | null>;
  get(key: string, options?: { range?: { offset: number; length?: number } }): Promise<R2ObjectBody | null>;
  put(key: string, value: ArrayBuffer | Uint8Array | string | null, options?: { customMetadata?: Record<string, string> }): Promise<R2Object | null>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; limit?: number; delimiter?: string; include?: ('customMetadata' | 'httpMetadata')[] }): Promise<R2Objects>;
  createMultipartUpload(key: string, options?: { customMetadata?: Record<string, string> }): Promise<R2MultipartUpload>;
}
