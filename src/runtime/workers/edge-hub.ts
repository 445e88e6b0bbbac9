import type { Context } from 'hono';
import type { PeerCertificate } from '../../domain/identity.ts';
import type { TransitionNotifier } from '../../domain/notifier.ts';
import { EloError } from '../../domain/errors.ts';
import { createApp } from '../../http/app.ts';
import { importRsaPrivateKeyPem } from '../../pki/ca/issue.ts';
import { cryptoKeySigner } from '../../pki/signer.ts';
import { sha256 } from '../../pki/sha256.ts';
import { pemBlocks, toHex } from '../../pki/encoding.ts';
import { createServices, type Services } from '../../services/index.ts';
import type { Log } from '../../services/deps.ts';
import { r2BlobStore } from '../../store/blobs/r2-blob-store.ts';
import { openD1Store } from '../../store/d1/index.ts';
import { pendingD1Migrations } from '../../store/d1/migrations.ts';
import type { Store } from '../../store/index.ts';
import { readiness } from '../readiness.ts';
import { transferSettingsOf, webhookSettingsOf } from '../transfer-settings.ts';
import { bundledCodeLists } from './bundled-codelists.ts';
import { workersConfig } from './config.ts';
import { edgePeerCertificate } from './edge-identity.ts';
import { edgeLog } from './edge-log.ts';
import { durableObjectNotifier } from './edge-notifier.ts';
import { edgeWebhookTransport } from './edge-webhook-transport.ts';
import { edgeTrustSource } from './edge-trust.ts';
import type { TlsClientAuth, WorkerEnv } from './env.ts';

export interface EdgeHub {
  app: ReturnType<typeof createApp>;
  services: Services;
  store: Store;
  log: Log;
  /**
   * Runs a request through the app, with the client certificate Cloudflare reported for it; when
   * it committed a transition, a webhook delivery round follows the answer (`waitUntil`).
   */
  fetch(request: Request, ctx?: { waitUntil(p: Promise<unknown>): void }): Promise<Response>;
  /** The periodic sweep (Cron Trigger): automatic cancel and its warnings, certificate expiry, unsealed trâmites, audit checkpoints, webhook retries. */
  sweep(): Promise<void>;
}

/** The notifier, calling `onSignal` once for each signal it passes on. */
function counting(notifier: TransitionNotifier, onSignal: () => void): TransitionNotifier {
  return {
    notify(systemIds) {
      onSignal();
      return notifier.notify(systemIds);
    },
    subscribe: (systemId, listener) => notifier.subscribe(systemId, listener),
  };
}

/** The certificate each request carries, read before the app runs (the app's source is synchronous). */
const peers = new WeakMap<Request, PeerCertificate | null>();

/**
 * The composition root of a Worker isolate: the same services and app as on Node, on D1, R2, the
 * signing key of the Worker's secrets and the certificate Cloudflare's edge asked for. Its audit
 * chain is this isolate's own (`<nodeId>-<random>`): isolates append without waiting for each
 * other, as nodes do on PostgreSQL, and the hub signs each chain's head (services/audit.ts).
 *
 * What differs from Node: no federation CA in the Worker (partners' certificates are issued with
 * `elo ca` where the CA lives, and an onboarding approval cannot sign a CSR here); no worker
 * threads (large start bodies and seals are handled in the request); webhooks are delivered after
 * the request that committed their transition and retried by the Cron Trigger, not on a timer of
 * their own; `/metrics` is Cloudflare's analytics.
 */
export async function openEdgeHub(env: WorkerEnv, opts: { now?: () => Date } = {}): Promise<EdgeHub> {
  const now = opts.now ?? (() => new Date());
  const settings = workersConfig(env);
  const { config } = settings;
  const log = edgeLog(config.logLevel, now);
  const pending = await pendingD1Migrations(env.DB);
  if (pending.length)
    throw new EloError(
      'unavailable',
      `O banco D1 não tem ${pending.length} migração(ões) desta versão do Elo (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? '…' : ''}). Aplique-as com \`npx wrangler d1 migrations apply elo --remote\` e tente de novo.`,
    );
  const chain = `${config.nodeId ?? 'worker'}-${toHex(globalThis.crypto.getRandomValues(new Uint8Array(4)))}`;
  const store = openD1Store(env.DB, { audit: { chain, sha256 } });
  const blobs = r2BlobStore(env.BLOBS);
  const hubSigner = cryptoKeySigner(await importRsaPrivateKeyPem(settings.signingKeyPem), settings.signingCertPem);
  const clock = { now };
  const failed = (event: string) => (e: unknown) => log({ level: 'error', event, data: { mensagem: e instanceof Error ? e.message : String(e) } });
  // transitions this isolate committed: a request that moved it delivers webhooks after answering
  let transitions = 0;
  const services = createServices({
    store,
    blobs,
    clock,
    ids: { uuid: () => globalThis.crypto.randomUUID(), randomBytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)) },
    codeLists: bundledCodeLists(),
    trust: edgeTrustSource({ anchors: settings.trustAnchorsPem, intermediates: settings.intermediatesPem }, env.BLOBS),
    hubSigner,
    log,
    settings: {
      ...transferSettingsOf(config),
      maxJsonBytes: settings.maxJsonBytes,
      maxJsonReason:
        'No Cloudflare Workers o hub lê metadados de até esse tamanho (o isolate tem 128 MB de memória). Para processos com metadados maiores, a federação usa um hub Elo em Node.',
      // R2 has no free space to run out of: no floor
      minFreeBytes: 0,
    },
    monitoring: { stuckMinutes: config.monitorStuckMinutes },
    // isolates share no memory: held long-polls wait on their system's Durable Object; each
    // signal also tells this isolate that a webhook may be due
    notifier: counting(durableObjectNotifier(env.PENDENCIAS, log), () => transitions++),
    webhooks: { transport: edgeWebhookTransport(), settings: webhookSettingsOf(config) },
  });
  const deliverWebhooks = () => services.webhooks.deliverDue().catch(failed('webhook.rodada_falhou'));
  await services.codeLists.current();
  const ready = readiness({
    store,
    blobs,
    signer: hubSigner,
    // R2 has no free space to run out of
    freeSpace: async () => Number.MAX_SAFE_INTEGER,
    minFreeBytes: 0,
    sweep: async () => ({ ok: true, detalhe: 'varredura pelo Cron Trigger do Worker' }),
    log,
  });
  const app = createApp({
    services,
    peerCertificate: (c: Context) => peers.get(c.req.raw) ?? null,
    peerAddress: (c: Context) => c.req.header('cf-connecting-ip') ?? null,
    hubName: 'Elo',
    ops: {
      readiness: ready,
      metricsText: async () => {
        throw new EloError('not_found', 'No Cloudflare Workers as métricas são as do painel da Cloudflare (Workers Analytics e Workers Logs); este hub não expõe /metrics.');
      },
    },
    now,
  });
  return {
    app,
    services,
    store,
    log,
    async fetch(request, ctx) {
      const auth = (request as Request & { cf?: { tlsClientAuth?: TlsClientAuth } }).cf?.tlsClientAuth;
      const { peer } = await edgePeerCertificate(auth, async (fp) => (await store.registry.getCertificate(fp))?.pem ?? null);
      peers.set(request, peer);
      const before = transitions;
      const answer = await app.fetch(request);
      // concurrent requests' transitions count too: a round too many finds nothing due, none is missed
      if (transitions !== before) ctx?.waitUntil(deliverWebhooks());
      return answer;
    },
    async sweep() {
      await services.autoCancel.sweep().catch(failed('varredura.cancelamento_automatico_falhou'));
      await services.certificates.expiryScan().catch(failed('varredura.validade_de_certificados_falhou'));
      await services.seals.sweep().catch(failed('varredura.selos_falhou'));
      await services.audit.checkpoint().catch(failed('varredura.pontos_de_controle_falhou'));
      // retries whose time has come, and events a request could not deliver
      await deliverWebhooks();
    },
  };
}
