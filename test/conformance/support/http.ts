import { Agent, fetch, FormData } from 'undici';
import type { Answer, ClientCredentials } from '../../../src/client/tramita-client.ts';

/** Base of the Tramita-compatible face (spec §1.3). */
export const V3 = '/interoperabilidade/rest/v3/';
export const V4 = '/interoperabilidade/rest/v4/';

export type Body = string | Uint8Array | FormData | ReadableStream<Uint8Array> | undefined;

export interface RawRequest {
  headers?: Record<string, string>;
  body?: Body;
}

/**
 * A raw HTTPS connection pool with one system's client certificate. Unlike the typed client it
 * sends the path exactly as written (`//`, raw or percent-encoded brackets, trailing `/`), so the
 * wire quirks of spec §1.3 and §1.5 reach the hub untouched.
 */
export interface RawConnection {
  request<T = unknown>(method: string, pathAndQuery: string, init?: RawRequest): Promise<Answer<T>>;
  /**
   * A request with exactly these headers and body, bypassing fetch (which refuses a body on GET):
   * e.g. `Content-Type: application/json` with `Content-Length: 0` on a GET, as SEI's cURL sends.
   */
  exact(method: string, pathAndQuery: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; contentType: string | undefined }>;
  close(): Promise<void>;
}

export function rawConnection(hubUrl: string, credentials: Partial<ClientCredentials> & { ca: string }, connections?: number): RawConnection {
  const agent = new Agent({
    connect: { ca: credentials.ca, cert: credentials.cert, key: credentials.key },
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
    ...(connections ? { connections } : {}),
  });
  return {
    async request<T>(method: string, pathAndQuery: string, init: RawRequest = {}): Promise<Answer<T>> {
      // SEI sends these two headers on every request, GET and DELETE included (spec §1.5.1);
      // a FormData body sets its own multipart content type.
      const headers: Record<string, string> = { accept: '*/*' };
      if (!(init.body instanceof FormData)) headers['content-type'] = 'application/json';
      Object.assign(headers, init.headers);
      const streaming = init.body instanceof ReadableStream;
      const res = await fetch(hubUrl + pathAndQuery, {
        method,
        dispatcher: agent,
        headers,
        body: init.body as never,
        ...(streaming ? { duplex: 'half' as const } : {}),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        /* raw text, as SEI keeps it (spec §1.5.6) */
      }
      return { status: res.status, body: body as T, text, headers: res.headers as unknown as Headers };
    },
    async exact(method, pathAndQuery, headers, body) {
      const res = await agent.request({ origin: hubUrl, path: pathAndQuery, method: method as 'GET', headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.body.text();
      const ct = res.headers['content-type'];
      return { status: res.statusCode, text, contentType: Array.isArray(ct) ? ct[0] : ct };
    },
    close: () => agent.close(),
  };
}

/** Multipart body of an upload as SEI builds it (spec §2.10, §2.11). */
export function uploadForm(p: { bytes: Uint8Array; hash?: string; protocolo?: string; fileName?: string }): FormData {
  const form = new FormData();
  form.append('conteudo', new Blob([p.bytes as Uint8Array<ArrayBuffer>], { type: 'text/html' }), p.fileName ?? 'arquivo_externo.html');
  if (p.hash !== undefined) form.append('hashDoComponenteDigital', p.hash);
  if (p.protocolo !== undefined) form.append('protocolo', p.protocolo);
  return form;
}

/** `?a=1&b=2` with standard percent-encoding (brackets encoded), or '' when empty. */
export function queryString(q: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
