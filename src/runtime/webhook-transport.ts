import { lookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Timers } from '../domain/clock.ts';
import { readFileSync } from 'node:fs';
import type { WebhookDeps, WebhookRequest, WebhookResponse, WebhookTransport } from '../services/webhooks.ts';
import type { EloConfig } from './config.ts';
import { webhookSettingsOf } from './transfer-settings.ts';

/**
 * The webhook port on Node (services/webhooks.ts): DNS through the system resolver, one POST per
 * attempt over node:https. The connection goes to the address the services checked (never a new
 * lookup), while TLS still verifies the certificate for the URL's host name; redirects are never
 * followed (node:https does not), the answer is read up to a few KB and the rest dropped, and the
 * whole attempt is bounded by its timeout.
 */
export function nodeWebhookTransport(opts: { extraCaPem?: string[]; timers: Timers }): WebhookTransport {
  const ca = opts.extraCaPem?.length ? [...rootCertificates, ...opts.extraCaPem] : undefined;
  return {
    async resolve(host) {
      const found = await lookup(host, { all: true, verbatim: true });
      return found.map((a) => a.address);
    },
    post(r: WebhookRequest): Promise<WebhookResponse> {
      return new Promise((resolve) => {
        const https = r.url.protocol === 'https:';
        const host = r.url.hostname.replace(/^\[(.*)\]$/, '$1');
        let settled = false;
        let req: ClientRequest | null = null;
        const finish = (answer: WebhookResponse) => {
          if (settled) return;
          settled = true;
          cancel();
          req?.destroy();
          resolve(answer);
        };
        const cancel = opts.timers.after(r.timeoutMs, () => finish({ error: `sem resposta em ${r.timeoutMs} ms` }));
        const options = {
          method: 'POST',
          host: r.address,
          port: r.url.port ? Number(r.url.port) : https ? 443 : 80,
          path: `${r.url.pathname}${r.url.search}`,
          headers: { ...r.headers, host: r.url.host, 'content-length': String(r.body.byteLength), connection: 'close' },
          agent: false as const,
          ...(https ? { servername: isIP(host) ? undefined : host, ...(ca ? { ca } : {}) } : {}),
        };
        const onResponse = (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () =>
            finish({
              status: res.statusCode ?? 0,
              location: typeof res.headers.location === 'string' ? res.headers.location : null,
              bodyStart: Buffer.concat(chunks).toString('utf8').replace(/[\u0000-\u001f]+/g, ' ').trim(),
            });
          res.on('data', (c: Buffer) => {
            if (size < r.maxResponseBytes) chunks.push(c.subarray(0, r.maxResponseBytes - size));
            size += c.length;
            if (size >= r.maxResponseBytes) done();
          });
          res.on('end', done);
          res.on('error', done);
        };
        try {
          req = https ? httpsRequest({ ...options, servername: options.servername ?? '' }, onResponse) : httpRequest(options, onResponse);
        } catch (e) {
          return finish({ error: `falha ao conectar: ${e instanceof Error ? e.message : String(e)}` });
        }
        req.on('error', (e: NodeJS.ErrnoException) => finish({ error: `falha de conexão${e.code ? ` (${e.code})` : ''}: ${e.message}` }));
        req.end(r.body);
      });
    },
  };
}

/** The webhook deps of the services from the configuration (the hub and `elo system webhook`). */
export function webhookDepsFromConfig(
  config: EloConfig,
  timers: Timers,
  opts: { transport?: Partial<WebhookTransport>; onDelivery?: WebhookDeps['onDelivery'] } = {},
): WebhookDeps {
  return {
    transport: { ...nodeWebhookTransport({ extraCaPem: config.webhookCaFiles.map((f) => readFileSync(f, 'utf8')), timers }), ...opts.transport },
    settings: webhookSettingsOf(config),
    ...(opts.onDelivery ? { onDelivery: opts.onDelivery } : {}),
  };
}
