/**
 * The baseline of large transfers (bench/transfer.ts): an HTTPS server with the hub's mTLS options
 * that does only the unavoidable work of the same protocol. Upload: read the same multipart body
 * (with the same streaming parser, src/http/multipart/), hash the part and write it at its offset
 * in one file. Download: read the range from that file and send it as the same base64 JSON string.
 * No store, no sync to disk, no checks of who calls or what was declared.
 *
 *   tsx bench/bare-transfer-server.ts DATA_DIR   # prints the port it listens on, then serves until killed
 *
 *   PUT  /partes/INI-FIM   multipart/form-data (conteudo, hashDoComponenteDigital, protocolo)
 *   POST /partes/INI-FIM   any body: answers "base64 of bytes [INI, FIM)"
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { boundaryFromContentType, parseMultipartStream } from '../src/http/multipart/index.ts';
import { dataPaths } from '../src/runtime/data-dir.ts';

const dataDir = process.argv[2]!;
const paths = dataPaths(dataDir);
const file = join(dataDir, 'componente-da-referencia.bin');
closeSync(openSync(file, 'w'));

async function upload(req: IncomingMessage, res: ServerResponse, ini: number) {
  const boundary = boundaryFromContentType(req.headers['content-type'] ?? '') ?? '';
  const hash = createHash('sha256');
  for await (const part of parseMultipartStream(Readable.toWeb(req) as ReadableStream<Uint8Array>, boundary)) {
    if (part.headers.name !== 'conteudo') {
      await new Response(part.body).text();
      continue;
    }
    const out = createWriteStream(file, { flags: 'r+', start: ini });
    await pipeline(
      Readable.fromWeb(part.body as import('node:stream/web').ReadableStream<Uint8Array>),
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const c of chunks) {
          hash.update(c);
          // a view into the parser's chunk: copied before the write queue holds it past the next read
          yield Buffer.from(c);
        }
      },
      out,
    );
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hash: hash.digest('base64') }));
}

async function download(req: IncomingMessage, res: ServerResponse, ini: number, fim: number) {
  for await (const _ of req); // the request's JSON is read and ignored
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.write('"');
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { start: ini, end: fim - 1, highWaterMark: 1024 * 1024 })) {
    const bytes = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const whole = bytes.length - (bytes.length % 3);
    carry = bytes.subarray(whole);
    if (!res.write(bytes.subarray(0, whole).toString('base64'))) await new Promise((r) => res.once('drain', r));
  }
  res.end(`${carry.toString('base64')}"`);
}

const server = createServer(
  { key: readFileSync(paths.tlsKey), cert: readFileSync(paths.tlsCert), ca: readFileSync(paths.caCert), requestCert: true, rejectUnauthorized: false },
  (req, res) => {
    const range = /^\/partes\/(\d+)-(\d+)$/.exec(req.url ?? '');
    const answer = !range ? null : req.method === 'PUT' ? upload(req, res, Number(range[1])) : req.method === 'POST' ? download(req, res, Number(range[1]), Number(range[2])) : null;
    if (!answer) return void res.writeHead(404).end();
    answer.catch((e: unknown) => res.writeHead(500).end(String(e)));
  },
);
server.on('secureConnection', (socket) => socket.disableRenegotiation());
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
