import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Clock } from '../domain/clock.ts';
import type { Workflow } from '../domain/situacao.ts';
import { createApp } from '../http/app.ts';
import { importRsaPrivateKeyPem } from '../pki/ca/issue.ts';
import { cryptoKeySigner } from '../pki/signer.ts';
import { createServices, type Services } from '../services/index.ts';
import type { FreeSpace } from '../services/deps.ts';
import { fsBlobStore } from '../store/blobs/fs-blob-store.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { bootstrapDataDir, type BootstrapReport } from './bootstrap.ts';
import { caAdmin } from './ca-admin.ts';
import { hubCertificateProblems } from './hub-certificates.ts';
import type { EloConfig } from './config.ts';
import { assertDataDirOwner, loosenedPermissions, makePrivate, PRIVATE_DIR_MODE } from './data-dir-access.ts';
import { dataPaths } from './data-dir.ts';
import { loadCodeLists } from './federation-files.ts';
import { nodePeerAddress, nodePeerCertificate } from './node-peer.ts';
import { fileTrustSource } from './trust-files.ts';

export const systemClock: Clock = { now: () => new Date() };

export interface Hub {
  config: EloConfig;
  services: Services;
  app: ReturnType<typeof createApp>;
  bootstrap: BootstrapReport;
  /** Parts of the data folder other users may read, found at start (empty when private). */
  permissionWarnings: string[];
  close(): Promise<void>;
}

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
  /** Replaces the protocol's workflow (tests show the store follows whatever table it is given). */
  workflow?: Workflow;
}

/** Composition root of the embedded default: SQLite, filesystem blobs, file-backed keys. */
export async function openHub(config: EloConfig, opts: HubOptions = {}): Promise<Hub> {
  const clock = opts.clock ?? systemClock;
  const paths = dataPaths(config.dataDir);
  assertDataDirOwner(config.dataDir);
  const permissionWarnings = existsSync(paths.root) ? loosenedPermissions(config.dataDir) : [];
  const freshDatabase = !existsSync(paths.database);
  mkdirSync(paths.root, { recursive: true, mode: PRIVATE_DIR_MODE });
  const store = openSqliteStore(paths.database);
  if (freshDatabase) makePrivate([paths.database, `${paths.database}-wal`, `${paths.database}-shm`]);
  const bootstrap = await bootstrapDataDir(config, store, clock.now());
  const signingKey = await importRsaPrivateKeyPem(readFileSync(paths.signingKey, 'utf8'));
  const services = createServices({
    store,
    blobs: fsBlobStore(paths.blobs),
    clock,
    ids: { uuid: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) },
    codeLists: loadCodeLists(),
    trust: fileTrustSource(
      [paths.caCert, ...config.trustAnchorFiles],
      () => [...config.crlFiles, ...[paths.rootCrl, paths.intermediateCrl].filter((f) => existsSync(f))],
      [paths.intermediateCert],
      config.crlSoftFailAnchorFiles,
    ),
    hubSigner: cryptoKeySigner(signingKey, readFileSync(paths.signingCert, 'utf8')),
    log: (entry) => process.stderr.write(`${JSON.stringify({ at: clock.now().toISOString(), ...entry })}\n`),
    settings: {
      maxJsonBytes: config.maxJsonMb * 1_048_576,
      autoCancelAfterMs: config.autoCancelDays * 86_400_000,
      autoCancelWarningMs: config.autoCancelWarningDays * 86_400_000,
      longPollMs: config.longPollSeconds * 1000,
      certExpiryWarningMs: config.certExpiryWarningDays * 86_400_000,
      maxRequestsPerSystem: config.maxRequestsPerSystem,
      maxLongPollsPerSystem: config.maxLongPollsPerSystem,
      acceptReceiptDateMismatch: config.acceptReceiptDateMismatch,
      maxComponentBytes: config.maxComponentMb * 1_048_576,
      systemQuotaBytes: config.systemQuotaMb * 1_048_576,
      minFreeBytes: config.minFreeDiskMb * 1_048_576,
      cancelledRetentionMs: config.cancelledRetentionDays * 86_400_000,
      purgeComponentsAfterMs: config.purgeComponentsAfterDays * 86_400_000,
    },
    freeSpace: opts.freeSpace ?? dataDirFreeSpace(paths.root),
    ...(opts.workflow ? { workflow: opts.workflow } : {}),
  });
  const app = createApp({
    services,
    peerCertificate: nodePeerCertificate,
    peerAddress: nodePeerAddress,
    publishedCrl: async (name) => {
      const file = { 'federacao-ac.crl': paths.rootCrl, 'federacao-ac-intermediaria.crl': paths.intermediateCrl }[name];
      return file && existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
    },
  });
  // spec §5.4: the sweep runs at start (catching up after a restart) and then periodically.
  const ca = caAdmin(config, store);
  const sweep = async () => {
    await services.autoCancel.sweep().catch((e: unknown) => console.error('Falha na varredura de cancelamento automático:', e));
    await services.certificates.expiryScan().catch((e: unknown) => console.error('Falha na verificação de validade de certificados:', e));
    // CRLs are valid for 7 days: keep them fresh, or every client of the CA would be refused.
    await ca.refreshCrlsIfDue(clock.now()).catch((e: unknown) => console.error('Falha ao renovar as LCRs:', e));
  };
  let closed = false;
  const timer = opts.clock ? null : setInterval(() => void sweep(), config.sweepIntervalSeconds * 1000);
  timer?.unref();
  if (!opts.clock) void sweep();
  return {
    config,
    services,
    app,
    bootstrap,
    permissionWarnings,
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
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
}

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
      requestTimeout: 330_000,
      headersTimeout: 60_000,
      keepAliveTimeout: 65_000,
    },
    getRequestListener(hub.app.fetch, { overrideGlobalObjects: false }),
  );
  // One hub serves a whole federation: past this many connections new ones are dropped, so that
  // a flood cannot exhaust the process's file descriptors (security test, finding 9).
  server.maxConnections = config.maxConnections;
  // TLS 1.2 renegotiation lets a client make the server redo the expensive handshake on one
  // connection at will (CVE-2011-1473); Elo never needs it (the certificate is asked up front).
  server.on('secureConnection', (socket) => socket.disableRenegotiation());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    ...hub,
    server,
    port,
    url: `https://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await hub.close();
    },
  };
}
