/**
 * The part of Cloudflare D1's Worker binding API that Elo uses, declared here so that the store
 * needs neither `@cloudflare/workers-types` (whose globals clash with Node's) nor a runtime: the
 * Worker passes its `env.DB`, the tests pass Miniflare's `getD1Database()`, both structurally.
 * https://developers.cloudflare.com/d1/worker-api/
 */

/** Primitive values D1 binds: numbers, text, null, and bytes as ArrayBuffer. */
export type D1Value = string | number | null | ArrayBuffer;

export interface D1Meta {
  /** Rows changed by a writing statement (SQLite's changes()). */
  changes: number;
  last_row_id?: number;
  rows_read?: number;
  rows_written?: number;
}

export interface D1Result<R = Record<string, unknown>> {
  results: R[];
  success: boolean;
  meta: D1Meta;
}

export interface D1PreparedStatement {
  bind(...values: D1Value[]): D1PreparedStatement;
  all<R = Record<string, unknown>>(): Promise<D1Result<R>>;
  first<R = Record<string, unknown>>(): Promise<R | null>;
  run(): Promise<D1Result>;
  raw<T = unknown[]>(): Promise<T[]>;
}

export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  /**
   * Runs the statements in order as one SQL transaction: "if a statement in the sequence fails,
   * then an error is returned for that specific statement, and it aborts or rolls back the entire
   * sequence" (D1 Worker API, batch()). The only atomic unit D1 offers: there is no BEGIN across calls.
   */
  batch<R = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<R>[]>;
}
