import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

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
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
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
