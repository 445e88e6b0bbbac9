import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One of each: a thing Elo writes in one place is not written again somewhere else, where it
 * would drift (the library loaded without its set-up, a refusal worded differently, a log line
 * that skips the injected log). Each rule reads the sources as text, and is checked against a
 * planted violation so it cannot pass vacuously.
 */
const root = resolve(import.meta.dirname, '..');

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // this file quotes every violation it plants
    if (name === 'node_modules' || name === 'fixtures' || p === import.meta.filename) return [];
    if (statSync(p).isDirectory()) return files(p, keep);
    return keep(p) ? [p] : [];
  });
}

const code = (p: string): boolean => /\.(?:ts|mts|js|mjs)$/.test(p);
const isTest = (p: string): boolean => /\.test\.ts$/.test(p);
const rel = (p: string): string => relative(root, p);

interface Rule {
  key: string;
  name: string;
  /** Does this text break the rule? */
  breaks: (text: string) => boolean;
  /** The files the rule reads. */
  scope: () => string[];
  /** The only files that may do it. */
  home: string[];
}

/** A module loaded by name: `import … from 'x'`, `import 'x'`, `export … from 'x'`, `import('x')`, `require('x')`. */
const loads = (module: string) => {
  const m = module.replace(/[/.@-]/g, (c) => `\\${c}`);
  const pattern = new RegExp(
    `(?:^|\\n)\\s*(?:import|export)\\b[^'"\`;]*?(?:from\\s*)?['"]${m}['"]|\\b(?:import|require)\\(\\s*['"]${m}['"]\\s*\\)`,
  );
  return (text: string) => pattern.test(text);
};

const SENTENCE = 'Os seguintes erros de validação de campos foram identificados';

const RULES: Rule[] = [
  {
    key: 'x509',
    name: '@peculiar/x509 is loaded only by pki/x509.ts (after reflect-metadata, bound to WebCrypto)',
    breaks: loads('@peculiar/x509'),
    scope: () => [...files(join(root, 'src'), code), ...files(join(root, 'test'), code), ...files(join(root, 'bin'), code)],
    home: ['src/pki/x509.ts'],
  },
  {
    key: 'reflect-metadata',
    name: 'reflect-metadata is loaded only by pki/x509.ts',
    breaks: loads('reflect-metadata'),
    scope: () => [...files(join(root, 'src'), code), ...files(join(root, 'test'), code), ...files(join(root, 'bin'), code)],
    home: ['src/pki/x509.ts'],
  },
  {
    key: '§8.4',
    name: 'the spec §8.4 validation sentence is written only by domain/tramita/issues.ts (validationFailed)',
    breaks: (text) => text.includes(SENTENCE),
    scope: () => files(join(root, 'src'), (p) => code(p) && !isTest(p)),
    home: ['src/domain/tramita/issues.ts'],
  },
  {
    key: 'console',
    name: 'nothing in src/ but the CLI writes to the console (the rest logs through the injected log)',
    breaks: (text) => /\bconsole\s*\.\s*[a-z]+\s*\(/.test(text),
    scope: () => files(join(root, 'src'), code).filter((p) => !rel(p).startsWith('src/cli/')),
    // the Worker's log: Workers Logs and `wrangler tail` read what a Worker writes to its console
    home: ['src/runtime/workers/edge-log.ts'],
  },
  {
    key: 'encoding',
    name: 'hex, base64 and PEM are encoded and decoded only by pki/encoding.ts',
    breaks: (text) => /\.toString\(16\)\.padStart\(2|\batob\(|\bbtoa\(|-----END/.test(text),
    scope: () => files(join(root, 'src'), (p) => code(p) && !isTest(p)),
    // the audit chain's hex hashes are computed by the stores, which import domain/ only (below pki/)
    home: ['src/pki/encoding.ts', 'src/domain/audit-chain.ts', 'src/store/blobs/streaming-sha256.ts'],
  },
  {
    key: 'fingerprint',
    name: 'a certificate fingerprint (SHA-256 of the DER) is computed only by pki/x509.ts fingerprint256',
    breaks: (text) => /(?:sha256|digest)\([^;]*\brawData\b/.test(text),
    scope: () => files(join(root, 'src'), (p) => code(p) && !isTest(p)),
    home: ['src/pki/x509.ts'],
  },
];

/** Files in the rule's scope, outside its home, that break it. */
const offenders = (rule: Rule, read: (p: string) => string = (p) => readFileSync(p, 'utf8')): string[] =>
  rule
    .scope()
    .filter((p) => !rule.home.includes(rel(p)) && rule.breaks(read(p)))
    .map(rel);

describe('one of each', () => {
  for (const rule of RULES) {
    it(`holds: ${rule.name}`, () => {
      const scope = rule.scope();
      expect(scope.length).toBeGreaterThan(20);
      for (const home of rule.home) expect(scope.map(rel), 'its home is read').toContain(home);
      expect(offenders(rule)).toEqual([]);
    });
  }

  it('has each home actually do the thing (a rule about a place that does not do it would be empty)', () => {
    for (const rule of RULES)
      for (const home of rule.home) expect(rule.breaks(readFileSync(join(root, home), 'utf8')), `${rule.name}: ${home}`).toBe(true);
  });

  it('catches a planted violation of each rule, in a file outside its home', () => {
    const planted: Record<string, string[]> = {
      x509: [
        "import { X509Certificate } from '@peculiar/x509';",
        "import type { Name } from '@peculiar/x509';",
        "import * as x509 from '@peculiar/x509';",
        "export { X509Crl } from '@peculiar/x509';",
        "const lib = await import('@peculiar/x509');",
      ],
      'reflect-metadata': ["import 'reflect-metadata';", "require('reflect-metadata');"],
      '§8.4': [`throw new EloError('validation_failed', '${SENTENCE}: - sistema é obrigatório');`],
      console: ["console.error('falhou', e);", 'console . log(x)'],
      encoding: [
        "[...d].map((b) => b.toString(16).padStart(2, '0')).join('')",
        'const s = btoa(String.fromCharCode(...b));',
        'Uint8Array.from(atob(s), (c) => c.charCodeAt(0))',
        '`-----BEGIN ${l}-----\\n${b64}-----END ${l}-----\\n`',
      ],
      fingerprint: ["await crypto.subtle.digest('SHA-256', cert.rawData)", 'toHex(sha256(new Uint8Array(cert.rawData)))'],
    };
    expect(Object.keys(planted).sort()).toEqual(RULES.map((r) => r.key).sort());
    const outside = join(root, 'src/services/planted.ts');
    for (const [key, samples] of Object.entries(planted)) {
      const rule = RULES.find((r) => r.key === key)!;
      expect(rule, key).toBeDefined();
      for (const sample of samples) {
        const withPlant: Rule = { ...rule, scope: () => [...rule.scope(), outside] };
        expect(offenders(withPlant, (p) => (p === outside ? sample : readFileSync(p, 'utf8'))), sample).toEqual([
          'src/services/planted.ts',
        ]);
      }
    }
    // what stays allowed: mentioning the library in prose, a type from the one place, a logger
    const allowed = [
      ' * @peculiar/x509 encodes a name in the order written',
      "import type { X509Certificate } from '../pki/x509.ts';",
      "deps.log({ level: 'error', event: 'falha' });",
      "throw validationFailed({ path: 'sistema', message: 'é obrigatório' });",
      'fingerprint256(cert)',
    ];
    for (const text of allowed) for (const rule of RULES) expect(rule.breaks(text), `${rule.name}: ${text}`).toBe(false);
  });
});
