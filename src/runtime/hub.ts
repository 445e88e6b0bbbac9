import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Clock } from '../domain/clock.ts';
import { createApp } from '../http/app.ts';
import { importRsaPrivateKeyPem } from '../pki/ca/issue.ts';
import { cryptoKeySigner } from '../pki/signer.ts';
import { createServices, type Services } from '../services/index.ts';
import { fsBlobStore } from '../store/blobs/fs-blob-store.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { bootstrapDataDir, type BootstrapReport } from './bootstrap.ts';
import { caAdmin } from './ca-admin.ts';
import { hubCertificateProblems } from './hub-certificates.ts';
import type { EloConfig } from './config.ts';
import { dataPaths } from './data-dir.ts';
import { loadCodeLists } from './federation-files.ts';
import { nodePeerCertificate } from './node-peer.ts';
import { startBodyWorker } from './start-body-analyser.ts';
import { fileTrustSource } from './trust-files.ts';

export const systemClock: Clock = { now: () => new Date() };

export interface Hub {
  config: EloConfig;
  services: Services;
  app: ReturnType<typeof createApp>;
  bootstrap: BootstrapReport;
  close(): Promise<void>;
}

/** Composition root of the embedded default: SQLite, filesystem blobs, file-backed keys. */
export async function openHub(config: EloConfig, opts: { clock?: Clock } = {}): Promise<Hub> {
  const clock = opts.clock ?? systemClock;
  const paths = dataPaths(config.dataDir);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(paths.root, { recursive: true });
  const store = openSqliteStore(paths.database);
  const bootstrap = await bootstrapDataDir(config, store, clock.now());
  const signingKey = await importRsaPrivateKeyPem(readFileSync(paths.signingKey, 'utf8'));
  const codeLists = loadCodeLists();
  // Large start bodies are analysed in a thread of their own (spec §1.5.9, 50 MB and more).
  const analyser = startBodyWorker(codeLists);
  const services = createServices({
    store,
    blobs: fsBlobStore(paths.blobs),
    clock,
    ids: { uuid: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) },
    codeLists,
    startBodyAnalyser: analyser.analyse,
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
      maxJsonWaiting: config.maxJsonWaiting,
      certExpiryWarningMs: config.certExpiryWarningDays * 86_400_000,
    },
  });
  const app = createApp({
    services,
    peerCertificate: nodePeerCertificate,
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
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await analyser.close();
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
export async function startNodeHub(config: EloConfig, opts: { clock?: Clock } = {}): Promise<RunningHub> {
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
