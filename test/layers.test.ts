import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AppDeps } from '../src/http/env.ts';
import { createServices, type ServiceDeps, type Services } from '../src/services/index.ts';
import type {
  AdminTokenStore,
  AuditLog,
  BlobStore,
  RegistryReader,
  RegistryWriter,
  RetentionStore,
  Store,
  TramiteReader,
  TramiteWriter,
} from '../src/store/index.ts';

/**
 * ARCHITECTURE "Layers": dependencies point one way (domain ← pki ← xml ← services ← http ←
 * runtime); store adapters depend only on domain; the portable core (domain … http) never
 * imports node:* nor a store adapter. This test reads every source file's imports.
 */
const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

const allowed: Record<string, string[]> = {
  domain: ['domain'],
  pki: ['domain', 'pki'],
  xml: ['domain', 'pki', 'xml'],
  store: ['domain', 'store'],
  services: ['domain', 'pki', 'xml', 'services', 'store-ports'],
  http: ['domain', 'services', 'http', 'store-ports', 'pki-types'],
  client: ['domain', 'pki', 'xml', 'client'],
  cli: ['domain', 'pki', 'xml', 'store', 'services', 'http', 'client', 'cli', 'runtime', 'store-ports'],
  runtime: ['domain', 'pki', 'xml', 'store', 'services', 'http', 'runtime', 'store-ports'],
};
const portable = new Set(['domain', 'pki', 'xml', 'services', 'http']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2])!,
  );
}

/** Which layer a resolved import target belongs to; the store's port file is its own layer. */
function layerOf(target: string): string {
  const rel = relative(src, target).split('/');
  if (rel[0] === 'store' && rel[1] === 'index.ts') return 'store-ports';
  if (rel[0] === 'pki' && rel[1] === 'verify' && rel[2] === 'types.ts') return 'pki-types';
  return rel[0]!;
}

describe('layer rules', () => {
  const files = sourceFiles(src);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('keeps every import inside the layers its folder may depend on', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = relative(src, file).split('/')[0]!;
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:') && portable.has(layer)) violations.push(`${relative(root, file)} imports ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = resolve(file, '..', spec);
        if (!target.startsWith(src)) continue;
        const to = layerOf(target);
        const ok =
          allowed[layer]?.includes(to) ||
          (to === 'store-ports' && allowed[layer]?.includes('store')) ||
          (to === 'pki-types' && allowed[layer]?.includes('pki'));
        if (!ok) violations.push(`${relative(root, file)} (${layer}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps store adapters away from services, http and runtime', () => {
    for (const file of files.filter((f) => relative(src, f).startsWith('store/'))) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        expect(['domain', 'store', 'store-ports']).toContain(layerOf(resolve(file, '..', spec)));
      }
    }
  });

  it('keeps the clock and randomness out of domain/ (STYLE: injected Clock and Ids)', () => {
    for (const file of files.filter((f) => relative(src, f).startsWith('domain/'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(root, file)).not.toMatch(/Date\.now\(\)|new Date\(\)|Math\.random\(|randomUUID\(/);
    }
  });

  it('detects a forbidden import when one is planted (the check can fail)', () => {
    const planted = "import { openSqliteStore } from '../store/sqlite/index.ts';";
    const m = [...planted.matchAll(/from\s*['"]([^'"]+)['"]/g)][0]![1]!;
    const target = resolve(src, 'http', m);
    expect(layerOf(target)).toBe('store');
    expect(allowed.http!.includes(layerOf(target))).toBe(false);
  });
});

/**
 * ARCHITECTURE "`http/` never holds a store": what http/ is handed (AppDeps, and through it
 * Services) offers narrow capabilities, never the Store, a store port, the BlobStore or the
 * ServiceDeps the services are built from. Checked three ways: by type (tsc, run by
 * test/typecheck.test.ts, rejects this file when a property of AppDeps, at any depth or as what
 * a function returns, has such a type), by value (the services built from marked ports reach
 * none of them), and in the source of http/.
 */
type Ports = [Store, BlobStore, ServiceDeps, RegistryReader, RegistryWriter, TramiteReader, TramiteWriter, AuditLog, AdminTokenStore, RetentionStore];
type IsPort<T> = { [I in keyof Ports]: [T] extends [Ports[I]] ? true : false }[number];
type Leaf = string | number | boolean | bigint | symbol | null | undefined | Date | Uint8Array | ReadableStream | RegExp;
/** Paths (`.a.b`, `()` for a call's result) under T whose type is a store, a port or the deps; never when none. */
type PortPaths<T, Path extends string = '', Depth extends unknown[] = []> = Depth['length'] extends 6
  ? never
  : true extends IsPort<T>
    ? Path
    : T extends Leaf
      ? never
      : T extends (...args: never[]) => infer R
        ? PortPaths<Awaited<R>, `${Path}()`, [...Depth, 0]>
        : T extends ReadonlyArray<infer E>
          ? PortPaths<E, `${Path}[]`, [...Depth, 0]>
          : T extends object
            ? { [K in keyof T & string]-?: PortPaths<T[K], `${Path}.${K}`, [...Depth, 0]> }[keyof T & string]
            : never;

/** A port, a store or the deps, recognisable wherever it is reached (also through a prototype or a spread). */
const PORT = Symbol('port');
const markedPort = (name: string): unknown =>
  new Proxy(
    {},
    {
      get: (_, key) => (key === PORT ? name : key === 'then' ? undefined : () => Promise.reject(new Error(`${name} used while building services`))),
    },
  );
function markedDeps(): ServiceDeps {
  const store = { [PORT]: 'store' } as Record<string | symbol, unknown>;
  for (const k of ['registry', 'tramites', 'audit', 'tokens', 'retention']) store[k] = markedPort(`store.${k}`);
  return {
    [PORT]: 'deps',
    store,
    blobs: markedPort('blobs'),
    clock: { now: () => new Date(0) },
    ids: { uuid: () => 'id', randomBytes: (n: number) => new Uint8Array(n) },
    codeLists: { especies: [], hipotesesLegais: [], motivosUrgencia: [] },
    trust: markedPort('trust'),
    hubSigner: markedPort('hubSigner'),
    settings: { maxJsonBytes: 1, longPollMs: 1 },
    log: () => {},
  } as unknown as ServiceDeps;
}
/** Every path from `root` (own properties, at any depth) at which a marked port is reached. */
function portsReached(root: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string) => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    const mark = (v as Record<symbol, unknown>)[PORT];
    if (mark !== undefined) return void found.push(`${path} → ${String(mark)}`);
    for (const key of Object.keys(v)) walk((v as Record<string, unknown>)[key], `${path}.${key}`);
  };
  walk(root, 'services');
  return found;
}

/** src/http must not name a store or the deps, nor reach through `.deps.`, `store.` or `blobs.`. */
function httpDetours(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(join(src, 'http'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/\.deps\b|\bstore\.|\bblobs\.|\b(?:Store|BlobStore|ServiceDeps)\b/.test(line)) out.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

describe('http/ never holds a store (ARCHITECTURE)', () => {
  it('hands http/ no property typed as a store, a store port, the blob store or the service deps', () => {
    expectTypeOf<PortPaths<AppDeps>>().toEqualTypeOf<never>();
    expectTypeOf<PortPaths<Services>>().toEqualTypeOf<never>();
    // The check can fail: each way back to a store is named by its path.
    expectTypeOf<PortPaths<Services & { deps: ServiceDeps }>>().toEqualTypeOf<'.deps'>();
    expectTypeOf<PortPaths<{ directory: Store['registry'] }>>().toEqualTypeOf<'.directory'>();
    expectTypeOf<PortPaths<{ a: { b: () => Promise<BlobStore> } }>>().toEqualTypeOf<'.a.b()'>();
  });

  it('builds services that reach none of the ports, the stores or the deps they are made of', () => {
    const deps = markedDeps();
    const services = createServices(deps);
    expect(portsReached(services)).toEqual([]);
    // The check can fail: the deps or a store port put back anywhere is found.
    expect(portsReached({ ...services, deps })).toEqual(['services.deps → deps']);
    expect(portsReached({ ...services, query: { ...services.query, directory: deps.store.registry } })).toEqual([
      'services.query.directory → store.registry',
    ]);
  });

  it('keeps src/http free of .deps., store. and blobs., and of the Store, BlobStore and ServiceDeps types', () => {
    expect(httpDetours()).toEqual([]);
  });
});
