/**
 * Node side, never bundled into the Worker: a local D1 database reached from Node with one
 * asynchronous request per call, for the tests and the local runner.
 *
 * Miniflare's own binding proxy (`getD1Database`) makes `prepare` and `bind` synchronous round
 * trips to workerd (a worker thread and `Atomics.wait`); under load on a 2-core machine one such
 * trip was seen to lose its answer, and every later call of the process then failed on a message
 * id mismatch. Here `prepare` and `bind` stay in Node, and each `all`, `first`, `run`, `raw` or
 * `batch` is one `dispatchFetch` to a small Worker bound to the same database, which runs it with
 * D1's own API in workerd: the engine, the batch transaction and the error messages are D1's.
 */
import type { D1Database, D1PreparedStatement, D1Value } from '../../../store/d1/d1-types.ts';

/** Bytes cross the bridge as `{"$bytes": [0–255, …]}` both ways (JSON has no bytes; few and small in D1). */
const BYTES = '$bytes';

/** The bridge Worker: POST `{binding, op, statements: [{sql, params}]}`, answers `{ok}` or `{error}`. */
export const D1_BRIDGE_SCRIPT = `
const BYTES = ${JSON.stringify(BYTES)};
const revive = (v) => (v && typeof v === 'object' && BYTES in v ? Uint8Array.from(v[BYTES]).buffer : v);
const bytesOut = (_k, v) => (v instanceof ArrayBuffer ? { [BYTES]: [...new Uint8Array(v)] } : ArrayBuffer.isView(v) ? { [BYTES]: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] } : v);
export default {
  async fetch(request, env) {
    const { binding, op, statements } = await request.json();
    const db = env[binding];
    const prepared = (s) => { const p = db.prepare(s.sql); return s.params.length ? p.bind(...s.params.map(revive)) : p; };
    try {
      let out;
      if (op === 'batch') out = await db.batch(statements.map(prepared));
      else out = await prepared(statements[0])[op]();
      return new Response(JSON.stringify({ ok: out === undefined ? null : out }, bytesOut));
    } catch (e) {
      let message = '';
      for (let x = e; x instanceof Error; x = x.cause) message += (message ? ' ' : '') + x.message;
      return new Response(JSON.stringify({ error: message || String(e) }), { status: 500 });
    }
  },
};
`;

const paramOut = (v: D1Value): unknown => (v instanceof ArrayBuffer ? { [BYTES]: [...new Uint8Array(v)] } : v);
const reviveIn = (_k: string, v: unknown): unknown =>
  v && typeof v === 'object' && BYTES in v ? Uint8Array.from((v as Record<string, number[]>)[BYTES]!).buffer : v;

/**
 * The database `binding` of the bridge Worker as a `D1Database`; `send` delivers a request body
 * to the bridge (a Miniflare `dispatchFetch` to its route).
 */
export function d1ThroughBridge(send: (body: string) => Promise<Response>, binding: string): D1Database {
  const call = async (op: string, statements: { sql: string; params: D1Value[] }[]): Promise<unknown> => {
    const answer = await send(JSON.stringify({ binding, op, statements: statements.map((s) => ({ sql: s.sql, params: s.params.map(paramOut) })) }));
    const body = JSON.parse(await answer.text(), reviveIn) as { ok?: unknown; error?: string };
    if (body.error !== undefined) throw new Error(body.error);
    return body.ok;
  };
  const statement = (sql: string, params: D1Value[]): D1PreparedStatement & { sql: string; params: D1Value[] } => ({
    sql,
    params,
    bind: (...values) => statement(sql, values),
    all: async () => (await call('all', [{ sql, params }])) as never,
    first: async <R>() => (await call('first', [{ sql, params }])) as R | null,
    run: async () => (await call('run', [{ sql, params }])) as never,
    raw: async <T>() => (await call('raw', [{ sql, params }])) as T[],
  });
  return {
    prepare: (sql) => statement(sql, []),
    batch: async (statements) => (await call('batch', statements as unknown as { sql: string; params: D1Value[] }[])) as never,
  };
}
