import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { createServer as createPlainServer, type Server as PlainServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Clock, Timers } from '../domain/clock.ts';
import type { Workflow } from '../domain/situacao.ts';
import type { StartBodyAnalyser } from '../domain/tramita/index.ts';
import { createApp } from '../http/app.ts';
import { importRsaPrivateKeyPem } from '../pki/ca/issue.ts';
import { cryptoKeySigner } from '../pki/signer.ts';
import { createServices, type Services } from '../services/index.ts';
import type { FreeSpace, Log } from '../services/deps.ts';
import { fsBlobStore } from '../store/blobs/fs-blob-store.ts';
import { postgresSweepLeader } from '../store/postgres/leader.ts';
import { postgresNotifier } from '../store/postgres/notifier-postgres.ts';
import type { BlobStore, Store } from '../store/index.ts';
import { closeStalledWriters } from './write-stall.ts';
import { bootstrapDataDir, type BootstrapReport } from './bootstrap.ts';
import { caAdmin } from './ca-admin.ts';
import { hubCertificateProblems } from './hub-certificates.ts';
import type { EloConfig } from './config.ts';
import { assertDataDirOwner, loosenedPermissions, openConfiguredStore } from './data-dir-access.ts';
import { dataPaths } from './data-dir.ts';
import { loadCodeLists } from './federation-files.ts';
import { nodePeerAddress, nodePeerCertificate } from './node-peer.ts';
import { forwardedClient, trustedProxyMatcher } from './forwarded-client.ts';
import { sealWorker } from './seal-preparer.ts';
import { startBodyWorker } from './start-body-analyser.ts';
import { fileTrustSource } from './trust-files.ts';
import { hubLog } from './log.ts';
import { transferSettingsOf } from './transfer-settings.ts';
import { hubMetrics, type HubMetrics } from './metrics.ts';
import type { Metrics } from '../services/metrics.ts';
import { readiness } from './readiness.ts';
import { webhookDepsFromConfig } from './webhook-transport.ts';
import { startWebhookWorker } from './webhook-worker.ts';
import type { WebhookDeliveryResult, WebhookTransport } from '../services/webhooks.ts';

export const systemClock: Clock = { now: () => new Date() };

/** Real-time timers for the services (the long-poll hold, spec §2.15). */
export const systemTimers: Timers = {
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

export interface Hub {
  config: EloConfig;
  services: Services;
  /** The stores the services are built from: for the composition root and tests, never for http/. */
  store: Store;
  blobs: BlobStore;
  app: ReturnType<typeof createApp>;
  /** The administration API and dashboard, when they have their own listener (config adminPort). */
  adminApp: ReturnType<typeof createApp> | null;
  /** Trusted-proxy ports (README "Atrás de um balanceador (nginx)"). */
  peer: ReturnType<typeof forwardedClient>;
  /** Runs the periodic sweep now, or waits for the one in progress. */
  sweep(): Promise<void>;
  /** The prom-client registry behind `/metrics` (README "Operação"). */
  metrics: HubMetrics;
  /** The webhook delivery worker: its round in progress, if any. */
  webhookWorker: { current(): Promise<void> | null };
  /** The audit checkpoints signed hourly and at shutdown (issue 11 §7): the signing in progress, if any. */
  auditCheckpoints: { current(): Promise<void> | null };
  bootstrap: BootstrapReport;
  /** Parts of the data folder other users may read, found at start (empty when private). */
  permissionWarnings: string[];
  close(): Promise<void>;
}

/** Real-time timers that do not keep the process alive on their own (background work such as webhook rounds). */
const backgroundTimers: Timers = {
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** Free bytes for unprivileged writers on the volume of the data folder (statfs). */
export const dataDirFreeSpace =
  (dir: string): FreeSpace =>
  async () => {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  };

export interface HubOptions {
  clock?: Clock;
  /** Replaces the statfs reading of the data folder's free space (tests fake a full disk). */
  freeSpace?: FreeSpace;
  /** Replaces real-time timers (tests fire the long-poll hold by hand). */
  timers?: Timers;
  /** Replaces the worker thread that analyses large start bodies (tests hold each analysis). */
  startBodyAnalyser?: StartBodyAnalyser;
  /** Replaces the protocol's workflow (tests show the store follows whatever table it is given). */
  workflow?: Workflow;
  /** Timers of the webhook delivery worker and of each attempt's timeout (tests fire them by hand); real timers by default. */
  webhookTimers?: Timers;
  /** Replaces parts of the webhook network port (tests: a resolver that answers a private address). */
  webhookTransport?: Partial<WebhookTransport>;
  /** Called after each webhook delivery attempt (metrics). */
  onWebhookDelivery?: (r: WebhookDeliveryResult) => void;
  /** Timer of the hourly audit checkpoint (tests fire it by hand); real, unref'd timers by default. */
  auditTimers?: Timers;
}

/** How often the hub signs a checkpoint of each audit chain that moved (issue 11 §7: at least every hour). */
export const AUDIT_CHECKPOINT_INTERVAL_MS = 3_600_000;

/** Composition root of the embedded default: SQLite, filesystem blobs, file-backed keys. */
export async function openHub(config: EloConfig, opts: HubOptions = {}): Promise<Hub> {
  const clock = opts.clock ?? systemClock;
  const paths = dataPaths(config.dataDir);
  const crlFiles = [...config.crlFiles, paths.rootCrl, paths.intermediateCrl];
  assertDataDirOwner(config.dataDir);
  const permissionWarnings = existsSync(paths.root) ? loosenedPermissions(config.dataDir) : [];
  // pino, one JSON line per event, the request id on every line of a request (README "Operação")
  const logging = hubLog(clock, config.logLevel);
  const log: Log = logging.log;
  const store = await openConfiguredStore(config);
  const bootstrap = await bootstrapDataDir(config, store, clock.now());
  const signingKey = await importRsaPrivateKeyPem(readFileSync(paths.signingKey, 'utf8'));
  const codeLists = loadCodeLists();
  // Large start bodies are analysed in a thread of their own (spec §1.5.9, 50 MB and more).
  const analyser = startBodyWorker();
  // Hub seals of large packages are built and canonicalised in a thread of their own too (issue 11).
  const sealer = sealWorker();
  const blobs = fsBlobStore(paths.blobs);
  const hubSigner = cryptoKeySigner(signingKey, readFileSync(paths.signingCert, 'utf8'));
  const freeSpace = opts.freeSpace ?? dataDirFreeSpace(paths.root);
  const metrics = hubMetrics({
    store,
    clock,
    log,
    freeSpace,
    minFreeBytes: config.minFreeDiskMb * 1_048_576,
    certExpiryWarningMs: config.certExpiryWarningDays * 86_400_000,
    hubCertificateFiles: [
      { tipo: 'hub_tls', file: paths.tlsCert },
      { tipo: 'hub_assinatura', file: paths.signingCert },
    ],
  });
  // Several nodes on one PostgreSQL database wake each other's held long-polls (LISTEN/NOTIFY);
  // one process signals in memory (createServices' default).
  const notifier = config.databaseUrl
    ? postgresNotifier(config.databaseUrl, { onEvent: (e) => log({ level: e.event === 'notificador.conectado' ? 'info' : 'warn', ...e }) })
    : null;
  try {
    await notifier?.ready;
  } catch (e) {
    await notifier?.close();
    await analyser.close();
    await sealer.close();
    await store.close();
    throw new Error(`Não foi possível escutar as notificações do PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const services = createServices({
    store,
    blobs,
    clock,
    ids: { uuid: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) },
    codeLists,
    startBodyAnalyser: opts.startBodyAnalyser ?? analyser.analyse,
    sealPreparer: sealer.prepare,
    trust: fileTrustSource(
      [paths.caCert, ...config.trustAnchorFiles],
      // the hub's own CRLs may not exist yet: a missing file lists nothing (fileTrustSource reads it
      // as empty), so no existence check runs on every request
      () => crlFiles,
      [paths.intermediateCert],
      config.crlSoftFailAnchorFiles,
    ),
    hubSigner,
    log,
    settings: transferSettingsOf(config),
    freeSpace,
    metrics: metrics.metrics,
    timers: opts.timers ?? systemTimers,
    ...(opts.workflow ? { workflow: opts.workflow } : {}),
    ...(notifier ? { notifier } : {}),
    // an onboarding approval signs the partner's CSR with the federation CA of the data folder
    certificateIssuer: { issueFromCsr: (systemId, csrPem, at) => caAdmin(config, store).issueFromCsr(systemId, csrPem, at) },
    monitoring: { stuckMinutes: config.monitorStuckMinutes },
    // push notifications (README "Notificações por webhook"): the network port and the retry policy
    webhooks: webhookDepsFromConfig(config, opts.webhookTimers ?? systemTimers, {
      transport: opts.webhookTransport,
      onDelivery: (r) => {
        countWebhookDelivery(metrics.metrics, r);
        opts.onWebhookDelivery?.(r);
      },
    }),
  });
  try {
    // the store's code lists are seeded from federation/codelists the first time (an empty
    // store, such as a data folder from before the lists were editable), before any request
    await services.codeLists.current();
  } catch (e) {
    await notifier?.close();
    await analyser.close();
    await sealer.close();
    await store.close();
    throw e;
  }
  // Behind a TLS-terminating proxy the certificate and address come in headers, believed only
  // from trustedProxies (README "Atrás de um balanceador (nginx)").
  const peer = forwardedClient({
    trustedProxies: config.trustedProxies,
    clientCertHeader: config.clientCertHeader,
    direct: { certificate: nodePeerCertificate, address: nodePeerAddress },
    log,
    clock,
  });
  // the federation CA of the data folder: its CRLs (served at /pki/, refreshed by the sweep)
  const ca = caAdmin(config, store);
  const appDeps: Parameters<typeof createApp>[0] = {
    services,
    peerCertificate: peer.peerCertificate,
    peerAddress: peer.peerAddress,
    publishedCrl: async (name) => {
      const file = { 'federacao-ac.crl': paths.rootCrl, 'federacao-ac-intermediaria.crl': paths.intermediateCrl }[name];
      return file ? ca.servedCrl(file, clock.now()) : null;
    },
    ops: {
      readiness: () => ready(),
      metricsText: () => metrics.render(),
      ...(config.metricsAllow.length ? { metricsAllowed: trustedProxyMatcher(config.metricsAllow) } : {}),
      withRequest: logging.withRequest,
      stopwatch: () => {
        const start = process.hrtime.bigint();
        return () => Number(process.hrtime.bigint() - start) / 1e9;
      },
    },
    now: () => clock.now(),
  };
  // With ELO_ADMIN_PORT the administration API and the dashboard leave the main port for their own.
  const app = createApp(appDeps, config.adminPort === undefined ? 'all' : 'transfer');
  const adminApp = config.adminPort === undefined ? null : createApp(appDeps, 'internal');
  // spec §5.4: the sweep runs at start (catching up after a restart) and then periodically.
  const failed = (event: string) => (e: unknown) =>
    log({ level: 'error', event, data: e instanceof Error ? { mensagem: e.message, pilha: e.stack } : { valor: String(e) } });
  // several nodes on one PostgreSQL database: only the one holding the sweep lock sweeps
  const leader = config.databaseUrl ? postgresSweepLeader(config.databaseUrl) : null;
  // when this node last began a sweep (monotonic, real time: the injected clock may stand still)
  let lastSweepAt: number | null = null;
  const sweepOnce = async () => {
    const inicio = clock.now().toISOString();
    if (leader && !(await leader.isLeader())) return;
    lastSweepAt = performance.now();
    await services.autoCancel.sweep().catch(failed('varredura.cancelamento_automatico_falhou'));
    await services.certificates.expiryScan().catch(failed('varredura.validade_de_certificados_falhou'));
    // issue 11: seals a complete trâmite left unsealed (a crash between its commit and its seal)
    await services.seals.sweep().catch(failed('varredura.selos_falhou'));
    // CRLs are valid for 7 days: keep them fresh, or every client of the CA would be refused.
    await ca.refreshCrlsIfDue(clock.now()).catch(failed('varredura.renovacao_de_lcrs_falhou'));
    // several nodes: every sweep leaves a line, so the node (pid) that swept each period shows
    if (leader) log({ level: 'info', event: 'varredura.executada', data: { pid: process.pid, inicio } });
  };
  let closed = false;
  let running: Promise<void> | null = null;
  // One sweep at a time; a tick while one runs joins it. The sweep reads the injected clock, so it
  // runs with a test's clock too (tests that drive it by hand set ELO_SWEEP_INTERVAL_SECONDS high).
  const sweep = (): Promise<void> => {
    if (closed) return Promise.resolve();
    running ??= sweepOnce().finally(() => (running = null));
    return running;
  };
  // `/readyz` "varredura": with several nodes, someone holds the sweep lock; alone, this node's
  // sweep began within three periods (a sweep that hangs, or a timer that stopped, shows here:
  // ticks join a running sweep, so the last start is that of the one that hangs)
  const sweepHealth = async (): Promise<{ ok: boolean; detalhe: string }> => {
    if (closed) return { ok: false, detalhe: 'hub encerrando' };
    if (leader) {
      const held = await leader.heldBySomeone();
      return held ? { ok: true, detalhe: 'a trava da varredura está com um nó' } : { ok: false, detalhe: 'nenhum nó detém a trava da varredura' };
    }
    const limitMs = config.sweepIntervalSeconds * 3000 + 5000;
    if (lastSweepAt === null) return { ok: false, detalhe: 'a varredura ainda não rodou neste nó' };
    const ago = performance.now() - lastSweepAt;
    return ago <= limitMs
      ? { ok: true, detalhe: `última varredura há ${Math.round(ago / 1000)} s neste nó` }
      : { ok: false, detalhe: `última varredura há ${Math.round(ago / 1000)} s, mais que 3 períodos (${config.sweepIntervalSeconds} s)` };
  };
  const ready = readiness({
    store,
    blobs,
    signer: hubSigner,
    freeSpace,
    minFreeBytes: config.minFreeDiskMb * 1_048_576,
    sweep: sweepHealth,
    log,
  });
  const timer = setInterval(() => void sweep(), config.sweepIntervalSeconds * 1000);
  timer.unref();
  void sweep();
  // every node delivers webhooks: claims in the store keep two nodes off one event
  const webhookWorker = startWebhookWorker({
    timers: opts.webhookTimers ?? backgroundTimers,
    intervalMs: config.webhookIntervalSeconds * 1000,
    run: () => services.webhooks.deliverDue(),
    onError: failed('webhook.rodada_falhou'),
  });
  // Audit checkpoints (issue 11 §7): every chain whose head moved is signed every hour and at
  // shutdown, so that rows written since the last one can only be rewritten in the open.
  const auditTimers = opts.auditTimers ?? backgroundTimers;
  let checkpointing: Promise<void> | null = null;
  const signCheckpoints = (): Promise<void> =>
    (checkpointing ??= services.audit
      .checkpoint()
      .then((made) => {
        for (const c of made) log({ level: 'info', event: 'auditoria.ponto_de_controle', data: { cadeia: c.chain, posicao: c.position, hash: c.hash } });
      })
      .catch(failed('auditoria.ponto_de_controle_falhou'))
      .finally(() => (checkpointing = null)));
  let stopCheckpoints = () => {};
  const armCheckpoint = () => {
    stopCheckpoints = auditTimers.after(AUDIT_CHECKPOINT_INTERVAL_MS, () => {
      if (closed) return;
      armCheckpoint();
      void signCheckpoints();
    });
  };
  armCheckpoint();
  return {
    config,
    services,
    store,
    blobs,
    app,
    adminApp,
    peer,
    bootstrap,
    permissionWarnings,
    sweep,
    metrics,
    webhookWorker,
    auditCheckpoints: { current: () => checkpointing },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stopCheckpoints();
      await webhookWorker.stop();
      // a sweep in progress finishes before the database closes under it
      await running;
      // the last events of this run get their checkpoint (issue 11 §7: at shutdown)
      await checkpointing;
      await signCheckpoints();
      await analyser.close();
      await sealer.close();
      await leader?.close();
      await notifier?.close();
      await store.close();
    },
  };
}

export class HubCertificateError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'HubCertificateError';
  }
}

export interface RunningHub extends Hub {
  server: Server;
  url: string;
  port: number;
  /** The plain-HTTP listener for the trusted proxy (config proxyListen), or null. */
  proxy: { server: PlainServer; url: string; port: number } | null;
  /** The HTTPS listener of the administration API and dashboard (config adminPort), or null. */
  admin: { server: Server; url: string; port: number } | null;
}

/**
 * The bounds on a client's pace (README "Limites de proteção"): the TLS handshake, the headers
 * and the whole request each have a deadline, so a client that connects and says nothing, or
 * drips its headers or its body a byte at a time, is cut and frees its connection. Node checks
 * the header and request deadlines every `connectionsCheckingInterval` (30 s by default, which
 * would let a 2 s deadline run 30 s): here at most every second.
 */
function connectionTimeouts(config: EloConfig) {
  const headersTimeout = config.headersTimeoutSeconds * 1000;
  return {
    handshakeTimeout: config.handshakeTimeoutSeconds * 1000,
    headersTimeout,
    requestTimeout: Math.max(config.requestTimeoutSeconds * 1000, headersTimeout),
    keepAliveTimeout: 65_000,
    connectionsCheckingInterval: Math.min(1000, headersTimeout / 2),
  };
}

/** A connection cut for an answer its client stopped reading, logged with where it came from. */
const stalledWriterLog = (log: Log) => (socket: Socket) =>
  log({ level: 'warn', event: 'conexao.escrita_parada', data: { origem: socket.remoteAddress ?? 'desconhecida', bytesEnviados: socket.bytesWritten } });

/**
 * HTTPS that asks for (but does not require) a client certificate; requests may last 300 s and
 * more (spec §1.5.9), connections are never serialised.
 */
export async function startNodeHub(config: EloConfig, opts: HubOptions = {}): Promise<RunningHub> {
  const hub = await openHub(config, opts);
  const paths = dataPaths(config.dataDir);
  const problems = await hubCertificateProblems(config, (opts.clock ?? systemClock).now());
  if (problems.length) {
    await hub.close();
    throw new HubCertificateError(problems);
  }
  const server = createServer(
    {
      key: readFileSync(paths.tlsKey),
      cert: readFileSync(paths.tlsCert),
      ca: [readFileSync(paths.caCert), ...[...config.trustAnchorFiles, ...config.crlSoftFailAnchorFiles].map((f) => readFileSync(f))],
      requestCert: true,
      rejectUnauthorized: false,
      ...connectionTimeouts(config),
    },
    listenerOf(hub.app.fetch),
  );
  // One hub serves a whole federation: past this many connections new ones are dropped, so that
  // a flood cannot exhaust the process's file descriptors (security test, finding 9).
  server.maxConnections = config.maxConnections;
  // TLS 1.2 renegotiation lets a client make the server redo the expensive handshake on one
  // connection at will (CVE-2011-1473); Elo never needs it (the certificate is asked up front).
  server.on('secureConnection', (socket) => socket.disableRenegotiation());
  closeStalledWriters(server, config.writeStallSeconds * 1000, stalledWriterLog(hub.services.log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let proxy: RunningHub['proxy'] = null;
  let admin: RunningHub['admin'] = null;
  try {
    if (config.proxyListen) proxy = await startProxyListener(config, hub);
    if (hub.adminApp) admin = await startAdminListener(config, hub.adminApp, hub.services.log);
  } catch (e) {
    await Promise.all([server, ...(proxy ? [proxy.server] : [])].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await hub.close();
    throw e;
  }
  return {
    ...hub,
    server,
    port,
    url: `https://${host}:${port}`,
    proxy,
    admin,
    async close() {
      await Promise.all(
        [server, ...(proxy ? [proxy.server] : []), ...(admin ? [admin.server] : [])].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      await hub.close();
    },
  };
}

/**
 * The Node listener of a Hono app. `overrideGlobalObjects` gives the process @hono/node-server's
 * light Request and Response: a request is read from Node's own object only as far as a route
 * asks, and a response made of a string is written as that string, without a WHATWG stream to
 * pull it through (half of `/healthz`'s CPU on this machine, `npm run bench -- registry`). They
 * stand in for the global classes (`instanceof Response` holds for both), so `fetch` and the
 * code that builds responses are unchanged.
 */
const listenerOf = (fetch: Parameters<typeof getRequestListener>[0]) => getRequestListener(fetch, { overrideGlobalObjects: true });

/**
 * The listener a TLS-terminating proxy reaches Elo on: plain HTTP, because the proxy has already
 * done TLS and asked for the client certificate, which it forwards in a header that is believed
 * only from trustedProxies. Bind it only where the proxy reaches (loopback, a private network):
 * the mTLS listener stays for direct clients. Same timeouts and connection cap as HTTPS.
 */
async function startProxyListener(config: EloConfig, hub: Hub): Promise<NonNullable<RunningHub['proxy']>> {
  const at = config.proxyListen.lastIndexOf(':');
  const host = config.proxyListen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const serve = listenerOf(hub.app.fetch);
  const server = createPlainServer(connectionTimeouts(config), (req, res) => {
    if (hub.peer.trusts(req.socket.remoteAddress)) return void serve(req, res);
    // anyone else reaching this plain-HTTP port is refused before anything is read (not even a token)
    const e = hub.peer.proxyListenerRefusal(req.socket.remoteAddress);
    res.writeHead(e.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ codigoErro: e.codigoErro, mensagem: e.mensagem }));
  });
  server.maxConnections = config.maxConnections;
  closeStalledWriters(server, config.writeStallSeconds * 1000, stalledWriterLog(hub.services.log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(config.proxyListen.slice(at + 1)), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { server, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/**
 * The internal listener of the administration API and the dashboard (config adminPort): HTTPS
 * with the hub's certificate, no client certificate asked (these faces take a token), bound to
 * adminHost so that an installation keeps them on its internal network.
 */
async function startAdminListener(config: EloConfig, app: ReturnType<typeof createApp>, log: Log): Promise<NonNullable<RunningHub['admin']>> {
  const paths = dataPaths(config.dataDir);
  const server = createServer(
    { key: readFileSync(paths.tlsKey), cert: readFileSync(paths.tlsCert), ...connectionTimeouts(config) },
    listenerOf(app.fetch),
  );
  server.maxConnections = config.maxConnections;
  server.on('secureConnection', (socket) => socket.disableRenegotiation());
  closeStalledWriters(server, config.writeStallSeconds * 1000, stalledWriterLog(log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.adminPort, config.adminHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.adminHost.includes(':') ? `[${config.adminHost}]` : config.adminHost;
  return { server, port, url: `https://${host}:${port}` };
}

/**
 * A webhook attempt in the metrics (README "Operação"): every attempt but a postponed one (the
 * circuit breaker open) is an attempt; a failed one counts by its kind; a given-up one is a
 * dead letter.
 */
function countWebhookDelivery(m: Metrics, r: WebhookDeliveryResult): void {
  if (r.resultado === 'adiada') return;
  m.webhookAttempt();
  if (r.resultado === 'entregue') return;
  m.webhookFailure(r.status !== null ? 'http' : /sem resposta em/.test(r.erro ?? '') ? 'tempo' : r.erro ? 'rede' : 'outro');
  if (r.resultado === 'morta') m.webhookDeadLetter();
}
