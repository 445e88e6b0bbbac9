import { readFileSync } from 'node:fs';
import { Agent, fetch, FormData } from 'undici';
import { importRsaPrivateKeyPem } from '../pki/ca/issue.ts';
import { cryptoKeySigner } from '../pki/signer.ts';
import { completionReceiptString } from '../xml/receipt-strings.ts';

/**
 * A typed client of the Tramita-compatible face (spec §2), as SEI's module calls it: the client
 * certificate is the credential, every request carries `Content-Type: application/json` (spec
 * §1.5.1). Answers are returned, not thrown, so callers (tests, CLI, demo) can inspect refusals.
 */
export interface ClientCredentials {
  cert: string;
  key: string;
  ca: string;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface TramitaClientOptions {
  /** e.g. https://127.0.0.1:8443 */
  hubUrl: string;
  /** PEM texts; omit `cert`/`key` to call without a client certificate. */
  credentials: Partial<ClientCredentials> & { ca: string; ciphers?: string };
  base?: string;
}

export const credentialsFromFiles = (f: { cert: string; key: string; ca: string }): ClientCredentials => ({
  cert: readFileSync(f.cert, 'utf8'),
  key: readFileSync(f.key, 'utf8'),
  ca: readFileSync(f.ca, 'utf8'),
});

export function createTramitaClient(opts: TramitaClientOptions) {
  const base = opts.base ?? '/interoperabilidade/rest/v3/';
  const agent = new Agent({
    connect: { ca: opts.credentials.ca, cert: opts.credentials.cert, key: opts.credentials.key, ciphers: opts.credentials.ciphers },
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
  });
  const url = (path: string, query?: Record<string, string | number | boolean | undefined>) => {
    const u = new URL(base + path, opts.hubUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  };
  const answer = async <T>(res: Awaited<ReturnType<typeof fetch>>): Promise<Answer<T>> => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* raw text, as SEI keeps it (spec §1.5.6) */
    }
    return { status: res.status, body: body as T, text, headers: res.headers as unknown as Headers };
  };

  async function call<T = unknown>(
    method: string,
    path: string,
    init: { query?: Record<string, string | number | boolean | undefined>; json?: unknown; rawBody?: string | Uint8Array } = {},
  ): Promise<Answer<T>> {
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.rawBody;
    const res = await fetch(url(path, init.query), {
      method,
      dispatcher: agent,
      headers: { accept: '*/*', 'content-type': 'application/json' },
      body,
    });
    return answer<T>(res);
  }

  return {
    call,
    healthcheck: () => call('GET', 'healthcheck'),
    repositorios: (ativos?: boolean) => call<{ id: number; nome: string; ativo: boolean }[]>('GET', 'repositorios-de-estruturas', { query: { ativos: ativos === undefined ? undefined : ativos ? 1 : 0 } }),
    estrutura: (rep: number, id: string) => call('GET', `repositorios-de-estruturas/${rep}/estruturas-organizacionais/${id}`),
    estruturas: (rep: number, query: Record<string, string | number | boolean | undefined> = {}) =>
      call<{ estruturas: Record<string, any>[]; totalDeRegistros: number }>('GET', `repositorios-de-estruturas/${rep}/estruturas-organizacionais`, { query }),
    iniciarProcesso: (body: unknown) => call<Record<string, unknown>>('POST', 'tramites/processo', { json: body }),
    /** A documento avulso for one or more destinations (spec §2.9). */
    iniciarDocumento: (body: unknown) => call<Record<string, unknown>>('POST', 'tramites/documento', { json: body }),
    /** Whole upload (spec §2.10) as SEI sends it: multipart with three parts. */
    async enviarComponente(ticket: string, c: { bytes: Uint8Array; hash: string; protocolo: string }, asQuery = false) {
      const form = new FormData();
      form.append('conteudo', new Blob([c.bytes as Uint8Array<ArrayBuffer>], { type: 'text/html' }), 'conteudo.html');
      if (!asQuery) {
        form.append('hashDoComponenteDigital', c.hash);
        form.append('protocolo', c.protocolo);
      }
      const res = await fetch(
        url(`tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar`, asQuery ? { hashDoComponenteDigital: c.hash, protocolo: c.protocolo } : {}),
        { method: 'PUT', dispatcher: agent, body: form },
      );
      return answer(res);
    },
    /** Ranged upload of one half-open part [ini, fim) (spec §2.11). */
    async enviarParte(ticket: string, ini: number, fim: number, c: { bytes: Uint8Array; hash: string; protocolo: string }) {
      const form = new FormData();
      form.append('conteudo', new Blob([c.bytes as Uint8Array<ArrayBuffer>], { type: 'text/html' }), 'arquivo_externo.html');
      form.append('hashDoComponenteDigital', c.hash);
      form.append('protocolo', c.protocolo);
      const res = await fetch(url(`tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar/partes/${ini}-${fim}`), {
        method: 'PUT',
        dispatcher: agent,
        body: form,
      });
      return answer(res);
    },
    /** End of a ranged upload (spec §2.12). */
    terminarEnvio: (ticket: string, c: { hash: string; protocolo: string }) =>
      call('POST', `tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar/partes/sinalizacao-termino-envio`, {
        json: { hashDoComponenteDigital: c.hash, protocolo: c.protocolo },
      }),
    reciboDeEnvio: (idt: number) => call<Record<string, any>>('GET', `tramites/${idt}/recibo-de-envio`),
    pendentes: (todas = true) => call<{ IDT: number; status: number }[]>('GET', 'tramites/pendentes', { query: { todas: todas ? 1 : 0 } }),
    metadados: (idt: number) => call<Record<string, any>>('GET', `tramites/${idt}`),
    tramites: (query: Record<string, string | number | undefined>) => call<{ tramites: Record<string, any>[] }>('GET', 'tramites', { query }),
    /** Ranged download (spec §2.19): returns the decoded bytes on success. */
    async baixarParte(idt: number, hash: string, protocolo: string, ini: number, fim: number) {
      const a = await call<string>('POST', `tramites/${idt}/protocolos/componentes-digitais/partes/${ini}-${fim}`, {
        json: { hashDoComponenteDigital: hash, protocolo },
      });
      return { ...a, bytes: a.status === 200 && typeof a.body === 'string' ? new Uint8Array(Buffer.from(a.body, 'base64')) : null };
    },
    enviarRecibo: (idt: number, body: { dataDeRecebimento: string; hashDaAssinatura: string }) => call('POST', `tramites/${idt}/recibo`, { json: body }),
    recibo: (idt: number) => call<Record<string, any>>('GET', `tramites/${idt}/recibo`),
    /** Receiver refuses (spec §2.22); `motivo` is a §8.3 code. */
    recusar: (idt: number, body: { motivo: string; justificativa: string }) => call('POST', `tramites/${idt}/recusa`, { json: body }),
    /** Sender acknowledges a refusal, 8 → 9 (spec §2.23). */
    ciencia: (idt: number) => call('GET', `tramites/${idt}/ciencia`),
    /** Sender cancels, 1–4 → 7 (spec §2.24). */
    cancelar: (idt: number) => call('DELETE', `tramites/${idt}`),
    /** The trâmite's dossiê on the native face (`/api/v1/…`), one XML document signed by the hub. */
    async dossie(idt: number): Promise<Answer<string>> {
      // the XML is not JSON, so answer() keeps it as text; a refusal (problem+json) is parsed
      return answer<string>(await fetch(new URL(`/api/v1/tramites/${idt}/dossie`, opts.hubUrl), { method: 'GET', dispatcher: agent, headers: { accept: 'application/xml' } }));
    },
    close: () => agent.close(),
  };
}

export type TramitaClient = ReturnType<typeof createTramitaClient>;

/** Signs the completion receipt string (spec §7.1) with the receiver system's key. */
export async function signCompletionReceipt(
  keyPem: string,
  r: { idt: number; nre: string; dataDeRecebimento: string; hashes: string[] },
): Promise<string> {
  const signer = cryptoKeySigner(await importRsaPrivateKeyPem(keyPem), '');
  const signature = await signer.sign(new TextEncoder().encode(completionReceiptString(r)));
  return Buffer.from(signature).toString('base64');
}
