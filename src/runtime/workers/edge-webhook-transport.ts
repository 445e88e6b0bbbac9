import type { WebhookRequest, WebhookResponse, WebhookTransport } from '../../services/webhooks.ts';

/** Cloudflare's DNS over HTTPS, JSON form (developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/). */
const DOH = 'https://cloudflare-dns.com/dns-query';
/** Record types: 1 is A, 28 is AAAA (RFC 1035, RFC 3596); a CNAME (5) on the way is followed by the resolver. */
const ADDRESS_TYPES: Record<string, number> = { A: 1, AAAA: 28 };

/**
 * The webhook port of Elo's Worker (services/webhooks.ts), on the runtime's `fetch`.
 *
 * - `resolve` asks Cloudflare's DNS over HTTPS for the A and AAAA records: the services refuse a
 *   name that leads to loopback, private or link-local ranges (unless allow-listed), as on Node.
 * - `post` is one `fetch` with redirects never followed, bounded by the attempt's timeout, the
 *   answer read up to its bound and the rest cancelled. It cannot connect to the address the
 *   services checked (a Worker's `fetch` resolves the name itself, on Cloudflare's network): what
 *   pinning the address guards against on Node — reaching the hub's internal network through a
 *   name that changes its answer — has no target here, since a Worker sits on no internal network.
 */
export function edgeWebhookTransport(opts: { fetch?: typeof fetch } = {}): WebhookTransport {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return {
    async resolve(host) {
      const found: string[] = [];
      for (const [type, code] of Object.entries(ADDRESS_TYPES)) {
        const answer = await doFetch(`${DOH}?name=${encodeURIComponent(host)}&type=${type}`, { headers: { accept: 'application/dns-json' } });
        if (!answer.ok) throw new Error(`o DNS sobre HTTPS respondeu ${answer.status}`);
        const body = (await answer.json()) as { Status?: number; Answer?: { type: number; data: string }[] };
        // 0 NOERROR, 3 NXDOMAIN (no such name: no address); anything else is a failed lookup
        if (body.Status !== 0 && body.Status !== 3) throw new Error(`o DNS sobre HTTPS respondeu com o código ${String(body.Status)}`);
        for (const record of body.Answer ?? []) if (record.type === code) found.push(record.data);
      }
      return found;
    },
    async post(r: WebhookRequest): Promise<WebhookResponse> {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), r.timeoutMs);
      try {
        const answer = await doFetch(r.url.href, { method: 'POST', headers: r.headers, body: r.body as Uint8Array<ArrayBuffer>, redirect: 'manual', signal: abort.signal });
        const chunks: Uint8Array[] = [];
        let size = 0;
        const reader = answer.body?.getReader();
        while (reader && size < r.maxResponseBytes) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value.subarray(0, r.maxResponseBytes - size));
          size += value.byteLength;
        }
        await reader?.cancel().catch(() => undefined);
        const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
        let at = 0;
        for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
        return {
          status: answer.status,
          location: answer.headers.get('location'),
          bodyStart: new TextDecoder().decode(bytes).replace(/[\u0000-\u001f]+/g, ' ').trim(),
        };
      } catch (e) {
        if (abort.signal.aborted) return { error: `sem resposta em ${r.timeoutMs} ms` };
        return { error: `falha de conexão: ${e instanceof Error ? e.message : String(e)}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
