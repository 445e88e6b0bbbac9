import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { parseYamlSubset } from '../harness/yaml-subset.ts';

const FILE = resolve(import.meta.dirname, '../../ops/prometheus/alertas.yml');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

/** ops/prometheus/alertas.yml (README "Operação"): valid YAML, the alerts the issue names, metrics that exist. */
describe('the example Prometheus alert rules', () => {
  let t: TestHub;
  let rules: Rule[];
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_SWEEP_INTERVAL_SECONDS: '86400' } });
    const doc = parseYamlSubset(readFileSync(FILE, 'utf8')) as unknown as { groups: { name: string; rules: Rule[] }[] };
    rules = doc.groups.flatMap((g) => g.rules);
  });
  afterAll(async () => t?.close());

  it('is a rules file of groups of alerts, each with a valid name, an expression, a severity and Portuguese text', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.alert).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(r.expr.length).toBeGreaterThan(0);
      if (r.for) expect(r.for).toMatch(/^\d+[smhd]$/);
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(0);
      expect(r.annotations.description.length).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('covers expiring certificates, trâmites stuck beyond 60 and 90 minutes, rejected completion receipts, disk and webhook dead letters', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'EloCertificadoExpirando',
        'EloTramitesParados60Min',
        'EloTramitesParados90Min',
        'EloRecibosDeConclusaoRecusados',
        'EloDiscoAbaixoDoMinimo',
        'EloWebhookCartasMortas',
      ]),
    );
    expect(rules.find((r) => r.alert === 'EloTramitesParados60Min')!.expr).toContain('limite_minutos="60"');
    expect(rules.find((r) => r.alert === 'EloTramitesParados90Min')!.expr).toContain('limite_minutos="90"');
  });

  it('uses only metrics the hub exports', () => {
    const exported = new Set(t.hub.metrics.names());
    const used = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\belo_[a-z0-9_]+/g)].map((m) => m[0])));
    expect(used.size).toBeGreaterThan(5);
    // a histogram's series carry suffixes; its family is what is exported
    const family = (name: string) => (exported.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
    expect([...used].filter((m) => !exported.has(family(m)))).toEqual([]);
  });

  it('rejects what is not in the YAML subset, so a broken file cannot pass as valid', () => {
    expect(() => parseYamlSubset('groups:\n  - name: x\n   rules: []\n')).toThrow();
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(/duplicate/);
    expect(() => parseYamlSubset('a:\n\tb: 1\n')).toThrow(/tab/);
    expect(() => parseYamlSubset('a: "sem fim\n')).toThrow();
    expect(parseYamlSubset('a:\n  - b: "x: y" # c\n    c: d\n  - e\n')).toEqual({ a: [{ b: 'x: y', c: 'd' }, 'e'] });
  });
});
