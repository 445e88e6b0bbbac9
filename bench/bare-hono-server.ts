/**
 * The baseline of `GET tramites/pendentes` (bench/run.ts requests): a bare Hono app behind an HTTPS
 * server with the hub's own mTLS options (its key and certificate, its CA, a client certificate
 * asked for, renegotiation off), answering the route with the empty list Elo answers a system with
 * nothing pending. No certificate check, no store: the ceiling of Node, TLS and Hono here.
 *
 *   tsx bench/bare-hono-server.ts DATA_DIR   # prints the port it listens on, then serves until killed
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { dataPaths } from '../src/runtime/data-dir.ts';

const dataDir = process.argv[2]!;
const paths = dataPaths(dataDir);
const app = new Hono();
app.get('/interoperabilidade/rest/v3/tramites/pendentes', (c) => c.json([]));

const server = createServer(
  {
    key: readFileSync(paths.tlsKey),
    cert: readFileSync(paths.tlsCert),
    ca: readFileSync(paths.caCert),
    requestCert: true,
    rejectUnauthorized: false,
  },
  getRequestListener(app.fetch),
);
server.on('secureConnection', (socket) => socket.disableRenegotiation());
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
