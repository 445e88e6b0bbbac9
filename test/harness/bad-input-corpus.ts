import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';

/**
 * The bad-input corpus (fixtures/bad-input/): one hostile request a file, with the specific
 * refusal Elo answers. Read by test/reliability/bad-input-corpus.test.ts, which sends every case
 * to one real hub, and by test/integration/bad-input-corpus-files.test.ts, which checks the files.
 */
export interface BadInputCase {
  nome: string;
  descricao: string;
  /** What kind of bad input it is (the report counts cases by kind). */
  tipo: string;
  metodo: string;
  /** Absolute path; placeholders `{IDT}`, `{ticket}`... are filled by the runner (see `Placeholders`). */
  caminho: string;
  /** Who sends it: a registered system's certificate, the admin token, an invitation, or nobody. */
  cliente: 'sei-estado' | 'sei-municipio' | 'admin' | 'convite' | 'nenhum';
  corpo?: unknown;
  corpoBase64?: string;
  corpoGerado?: { gerador: keyof typeof generators; [k: string]: unknown };
  cabecalhos?: Record<string, string>;
  esperado: { status: number; codigoErro: string; mensagemContem: string };
  /** Audit events a refusal records by design (a refused completion receipt: spec §7.2); none otherwise. */
  eventosEsperados?: string[];
}

export const CORPUS_DIR = resolve(import.meta.dirname, '../../fixtures/bad-input');

export function loadCorpus(): { file: string; caso: BadInputCase }[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, caso: JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as BadInputCase }));
}

/** What the runner prepared on the hub, by placeholder name. */
export type Placeholders = Record<string, string>;

export const fill = (s: string, p: Placeholders) => s.replace(/\{([A-Za-z_]+)\}/g, (m, k: string) => p[k] ?? m);

const fillDeep = (v: unknown, p: Placeholders): unknown => {
  if (typeof v === 'string') return fill(v, p);
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, p));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, p)]));
  return v;
};

/** Named builders of bodies too big or too deep to keep in the repository. */
export const generators = {
  /** `{"a":{"a":...}}` nested `profundidade` times. */
  'json-profundo': (g: Record<string, unknown>) => Buffer.from('{"a":'.repeat(Number(g.profundidade)) + '1' + '}'.repeat(Number(g.profundidade))),
  /** `[[[...]]]` nested `profundidade` times. */
  'lista-profunda': (g: Record<string, unknown>) => Buffer.from('['.repeat(Number(g.profundidade)) + ']'.repeat(Number(g.profundidade))),
  /** The JSON `base` (placeholders filled) with the string field at `campo` (dot path) set to `bytes` letters. */
  'texto-enorme': (g: Record<string, unknown>, p: Placeholders) => {
    const body = fillDeep(g.base, p) as Record<string, unknown>;
    const path = String(g.campo).split('.');
    let o = body as Record<string, unknown>;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[path.at(-1)!] = 'x'.repeat(Number(g.bytes));
    return Buffer.from(JSON.stringify(body));
  },
  /** `megabytes` MB of JSON whitespace around `{}`: over the body limit without a big allocation to parse. */
  'corpo-enorme': (g: Record<string, unknown>) => {
    const b = Buffer.alloc(Number(g.megabytes) * 1024 * 1024 + 2, 0x20);
    b[0] = 0x7b;
    b[b.length - 1] = 0x7d;
    return b;
  },
  /** An array of `itens` copies of `item`. */
  'lista-longa': (g: Record<string, unknown>, p: Placeholders) => Buffer.from(JSON.stringify(Array.from({ length: Number(g.itens) }, () => fillDeep(g.item, p)))),
} satisfies Record<string, (g: Record<string, unknown>, p: Placeholders) => Buffer>;

export function bodyOf(c: BadInputCase, p: Placeholders): Buffer | undefined {
  if (c.corpoGerado) return generators[c.corpoGerado.gerador](c.corpoGerado, p);
  if (c.corpoBase64 !== undefined) return Buffer.from(fill(c.corpoBase64, p), 'base64');
  if (c.corpo === undefined) return undefined;
  return Buffer.from(typeof c.corpo === 'string' ? fill(c.corpo, p) : JSON.stringify(fillDeep(c.corpo, p)));
}

export interface Senders {
  url: string;
  agents: Record<string, Agent>;
  adminToken: string;
}

export async function sendCase(c: BadInputCase, p: Placeholders, s: Senders) {
  const headers: Record<string, string> = { accept: '*/*' };
  const body = bodyOf(c, p);
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (c.cliente === 'admin') headers.authorization = `Bearer ${s.adminToken}`;
  if (c.cliente === 'convite') headers.authorization = `Convite ${p.CONVITE}`;
  for (const [k, v] of Object.entries(c.cabecalhos ?? {})) headers[k.toLowerCase()] = fill(v, p).replace(/\\r\\n/g, '\r\n');
  const agent = s.agents[c.cliente === 'sei-municipio' ? 'sei-municipio' : c.cliente === 'sei-estado' ? 'sei-estado' : 'nenhum']!;
  const res = await fetch(new URL(fill(c.caminho, p), s.url), { method: c.metodo, dispatcher: agent, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: the assertion on codigoErro says so */
  }
  // the preflight answers 200 with the problems a start would get (README "Pré-verificação")
  const first = Array.isArray(json.problemas) ? ((json.problemas as Record<string, unknown>[])[0] ?? {}) : json;
  return { status: res.status, codigoErro: String(first.codigoErro ?? ''), mensagem: String(first.mensagem ?? first.detail ?? ''), text };
}

/** Every file of the blob folder with the SHA-256 of its bytes: "byte-for-byte unchanged". */
export function blobDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      const f = join(d, e);
      if (statSync(f).isDirectory()) walk(f);
      else out[f.slice(dir.length)] = createHash('sha256').update(readFileSync(f)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
