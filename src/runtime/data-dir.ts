import { join } from 'node:path';

/** Where everything lives in the data folder (default `./.elo/`, never committed). */
export function dataPaths(dataDir: string) {
  const pki = join(dataDir, 'pki');
  return {
    root: dataDir,
    database: join(dataDir, 'elo.sqlite'),
    blobs: join(dataDir, 'blobs'),
    pki,
    caCert: join(pki, 'federacao-ac.pem'),
    caKey: join(pki, 'federacao-ac.key.pem'),
    intermediateCert: join(pki, 'federacao-ac-intermediaria.pem'),
    intermediateKey: join(pki, 'federacao-ac-intermediaria.key.pem'),
    /** CRLs published by the federation CA (root, and intermediate when there is one). */
    rootCrl: join(pki, 'federacao-ac.crl'),
    intermediateCrl: join(pki, 'federacao-ac-intermediaria.crl'),
    archive: join(pki, 'arquivo'),
    tlsCert: join(pki, 'hub-tls.pem'),
    tlsKey: join(pki, 'hub-tls.key.pem'),
    signingCert: join(pki, 'hub-assinatura.pem'),
    signingKey: join(pki, 'hub-assinatura.key.pem'),
    adminToken: join(dataDir, 'admin-token'),
    systems: join(dataDir, 'sistemas'),
    system: (id: string) => ({
      dir: join(dataDir, 'sistemas', id),
      cert: join(dataDir, 'sistemas', id, 'certificado.pem'),
      key: join(dataDir, 'sistemas', id, 'chave.pem'),
      ca: join(dataDir, 'sistemas', id, 'ac-federacao.pem'),
    }),
  };
}

export type DataPaths = ReturnType<typeof dataPaths>;
