/**
 * The ceiling of the full small-trâmite cycle on this transport (bench/cycle.ts): a minimal hub
 * that answers the same calls of the Tramita face correctly, in memory and without durability.
 * It knows its callers by their certificate's fingerprint, checks each upload's hash, signs the
 * send receipt with the hub's key and checks the receiver's signature of the completion receipt
 * (spec §7) — the work no hub can skip — and nothing else: no store, no chain verification, no
 * logs, no metrics, no seal, no limits. Same HTTPS server options as the hub's mTLS.
 *
 *   tsx bench/minimal-hub.ts ARGS.json   # prints the port it listens on, then serves until killed
 *
 * ARGS: { dataDir, systems: [{ id, cert }], units: { "repositório/número": systemId } }
 */
import { createHash, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { dataPaths } from '../src/runtime/data-dir.ts';
import { completionReceiptString, receiptDate, sendReceiptString } from '../src/xml/receipt-strings.ts';

interface Args {
  dataDir: string;
  systems: { id: string; cert: string }[];
  units: Record<string, string>;
}

interface Tramite {
  idt: number;
  nre: string;
  protocolo: string;
  sender: string;
  receiver: string;
  situacao: number;
  history: { situacao: number; dataHora: string }[];
  metadata: unknown;
  /** hash → bytes (null until uploaded) */
  components: Map<string, Uint8Array | null>;
  sendReceipt: { at: string; signature: string } | null;
  completion: { dataDeRecebimento: string; hashDaAssinatura: string } | null;
}

const args = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Args;
const paths = dataPaths(args.dataDir);
const hubKey = readFileSync(paths.signingKey);
const hubChain = readFileSync(paths.signingCert, 'utf8');
const byFingerprint = new Map<string, { id: string; pem: string }>();
for (const s of args.systems) {
  const pem = readFileSync(s.cert, 'utf8');
  const cert = new X509Certificate(pem);
  byFingerprint.set(cert.fingerprint256.replace(/:/g, '').toLowerCase(), { id: s.id, pem });
}
const pemOf = new Map([...byFingerprint.values()].map((s) => [s.id, s.pem]));
const keyOf = new Map([...byFingerprint.values()].map((s) => [s.id, createPublicKey(s.pem)]));

const tramites = new Map<number, Tramite>();
const byTicket = new Map<string, Tramite>();
let nextIdt = 1_000_000_000;

type Env = { Bindings: HttpBindings; Variables: { system: string } };
const app = new Hono<Env>().basePath('/interoperabilidade/rest/v3');
const now = () => new Date().toISOString();
const move = (t: Tramite, situacao: number) => {
  t.situacao = situacao;
  t.history.push({ situacao, dataHora: now() });
};
const refuse = (status: 400 | 403 | 404 | 409, message: string) => new Response(JSON.stringify({ mensagem: message }), { status, headers: { 'content-type': 'application/json' } });

app.use(async (c, next) => {
  const socket = c.env.incoming.socket as TLSSocket;
  const raw = socket.getPeerCertificate().raw;
  const system = raw && byFingerprint.get(createHash('sha256').update(raw).digest('hex'));
  if (!system) return refuse(403, 'certificado desconhecido');
  c.set('system', system.id);
  await next();
});

const own = (c: { req: { param(k: string): string }; get(k: 'system'): string }, role: 'sender' | 'receiver' | 'either') => {
  const t = tramites.get(Number(c.req.param('idt')));
  const me = c.get('system');
  if (!t) return null;
  return role === 'either' ? (t.sender === me || t.receiver === me ? t : null) : t[role] === me ? t : null;
};

app.post('/tramites/processo', async (c) => {
  const body = (await c.req.json()) as {
    cabecalho: { destinatario: { identificacaoDoRepositorioDeEstruturas: number; numeroDeIdentificacaoDaEstrutura: string } };
    processo: { protocolo: string; documentos: { componentesDigitais: { hash: { conteudo: string } }[] }[] };
  };
  const d = body.cabecalho.destinatario;
  const receiver = args.units[`${d.identificacaoDoRepositorioDeEstruturas}/${d.numeroDeIdentificacaoDaEstrutura}`];
  if (!receiver) return refuse(404, 'destinatário desconhecido');
  const idt = nextIdt++;
  const hashes = body.processo.documentos.flatMap((doc) => doc.componentesDigitais.map((x) => x.hash.conteudo));
  const t: Tramite = {
    idt,
    nre: String(idt).padStart(16, '0'),
    protocolo: body.processo.protocolo,
    sender: c.get('system'),
    receiver,
    situacao: 0,
    history: [],
    metadata: body,
    components: new Map(hashes.map((h) => [h, null])),
    sendReceipt: null,
    completion: null,
  };
  move(t, 1);
  const ticket = String(idt);
  tramites.set(idt, t);
  byTicket.set(ticket, t);
  return c.json({
    IDT: idt,
    NRE: t.nre,
    ticketParaEnvioDeComponentesDigitais: ticket,
    dataHoraDeRegistroDoTramite: t.history[0]!.dataHora,
    processosComComponentesDigitaisSolicitados: [{ protocolo: t.protocolo, hashes }],
  });
});

app.put('/tickets-de-envio-de-componente/:ticket/protocolos/componentes-a-enviar', async (c) => {
  const t = byTicket.get(c.req.param('ticket'));
  if (!t || t.sender !== c.get('system')) return refuse(404, 'ticket desconhecido');
  const form = await c.req.parseBody();
  const file = form.conteudo;
  const hash = String(form.hashDoComponenteDigital);
  if (!(file instanceof File) || !t.components.has(hash)) return refuse(400, 'componente não solicitado');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (createHash('sha256').update(bytes).digest('base64') !== hash) return refuse(400, 'hash não confere');
  t.components.set(hash, bytes);
  if ([...t.components.values()].every((b) => b !== null)) {
    move(t, 2);
    const at = receiptDate(new Date());
    const text = sendReceiptString({ idt: t.idt, nre: t.nre, dataDeRecebimentoDoUltimoComponenteDigital: at, hashes: [...t.components.keys()] });
    t.sendReceipt = { at, signature: sign('sha256', Buffer.from(text), hubKey).toString('base64') };
  }
  return c.body(null, 200);
});

app.get('/tramites/:idt/recibo-de-envio', (c) => {
  const t = own(c, 'sender');
  if (!t?.sendReceipt) return refuse(404, 'sem recibo de envio');
  return c.json({
    reciboDeEnvio: { IDT: t.idt, NRE: t.nre, dataDeRecebimentoDoUltimoComponenteDigital: t.sendReceipt.at, hashesDosComponentesDigitais: [...t.components.keys()] },
    cadeiaDoCertificado: hubChain,
    hashDaAssinatura: t.sendReceipt.signature,
  });
});

app.get('/tramites/pendentes', (c) => {
  const me = c.get('system');
  const list: { IDT: number; status: number }[] = [];
  for (const t of tramites.values()) if ((t.receiver === me && t.situacao >= 2 && t.situacao <= 4) || (t.sender === me && t.situacao === 6)) list.push({ IDT: t.idt, status: t.situacao });
  return c.json(list);
});

app.get('/tramites/:idt', (c) => {
  const t = own(c, 'receiver');
  if (!t || t.situacao < 2) return refuse(404, 'trâmite desconhecido');
  if (t.situacao === 2) move(t, 3);
  return c.json(t.metadata);
});

app.get('/tramites', (c) => {
  const t = tramites.get(Number(c.req.query('IDT')));
  const me = c.get('system');
  const found = t && (t.sender === me || t.receiver === me) ? [t] : [];
  return c.json({
    tramites: found.map((x) => ({
      IDT: x.idt,
      NRE: x.nre,
      protocolo: x.protocolo,
      situacaoAtual: x.situacao,
      hashDosComponentesPendentesDeRecebimento: x.situacao < 4 ? [...x.components.keys()] : [],
      mudancasDeSituacao: x.history,
    })),
  });
});

app.post('/tramites/:idt/protocolos/componentes-digitais/partes/:range', async (c) => {
  const t = own(c, 'receiver');
  const [ini, fim] = c.req.param('range').split('-').map(Number) as [number, number];
  const { hashDoComponenteDigital: hash } = (await c.req.json()) as { hashDoComponenteDigital: string };
  const bytes = t?.components.get(hash);
  if (!t || !bytes || t.situacao < 3) return refuse(404, 'componente desconhecido');
  if (!(ini >= 0 && fim > ini && fim <= bytes.length)) return refuse(400, 'faixa inválida');
  if (ini === 0 && fim === bytes.length && t.situacao === 3) move(t, 4);
  return c.json(Buffer.from(bytes.subarray(ini, fim)).toString('base64'));
});

app.post('/tramites/:idt/recibo', async (c) => {
  const t = own(c, 'receiver');
  if (!t || t.situacao !== 4) return refuse(409, 'trâmite não está em 4');
  const r = (await c.req.json()) as { dataDeRecebimento: string; hashDaAssinatura: string };
  const text = completionReceiptString({ idt: t.idt, nre: t.nre, dataDeRecebimento: r.dataDeRecebimento, hashes: [...t.components.keys()] });
  if (!verify('sha256', Buffer.from(text), keyOf.get(t.receiver)!, Buffer.from(r.hashDaAssinatura, 'base64'))) return refuse(400, 'assinatura não confere');
  t.completion = r;
  move(t, 6);
  return c.body(null, 200);
});

app.get('/tramites/:idt/recibo', (c) => {
  const t = own(c, 'either');
  if (!t?.completion) return refuse(404, 'sem recibo');
  return c.json({
    recibo: { IDT: t.idt, NRE: t.nre, dataDeRecebimento: t.completion.dataDeRecebimento, hashesDosComponentesDigitais: [...t.components.keys()] },
    cadeiaDoCertificado: pemOf.get(t.receiver),
    hashDaAssinatura: t.completion.hashDaAssinatura,
  });
});

const server = createServer(
  { key: readFileSync(paths.tlsKey), cert: readFileSync(paths.tlsCert), ca: readFileSync(paths.caCert), requestCert: true, rejectUnauthorized: false },
  getRequestListener(app.fetch),
);
server.on('secureConnection', (socket) => socket.disableRenegotiation());
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
