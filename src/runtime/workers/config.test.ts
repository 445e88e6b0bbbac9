import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-schema.ts';
import { workersConfig, WORKER_MAX_JSON_MB } from './config.ts';
import type { WorkerEnv } from './env.ts';

const pem = (label: string) => `-----BEGIN ${label}-----\nMAMCAQE=\n-----END ${label}-----\n`;
const bindings = { DB: { prepare() {} }, BLOBS: { head() {} }, PENDENCIAS: { idFromName() {} } } as unknown as Pick<WorkerEnv, 'DB' | 'BLOBS' | 'PENDENCIAS'>;
const complete: WorkerEnv = {
  ...bindings,
  ELO_SIGNING_KEY_PEM: pem('PRIVATE KEY'),
  ELO_SIGNING_CERT_PEM: pem('CERTIFICATE'),
  ELO_TRUST_ANCHORS_PEM: pem('CERTIFICATE'),
};
const problems = (env: WorkerEnv): string[] => {
  try {
    workersConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe("the Worker's configuration", () => {
  it('reads the ELO_* variables through the same schema as Node, and bounds JSON bodies by the isolate', () => {
    const s = workersConfig({ ...complete, ELO_AMBIENTE: 'producao', ELO_MAX_JSON_MB: '64' });
    expect(s.config.environment).toBe('producao');
    expect(s.maxJsonBytes).toBe(WORKER_MAX_JSON_MB * 1_048_576);
    expect(workersConfig({ ...complete, ELO_WORKER_MAX_JSON_MB: '40' }).maxJsonBytes).toBe(40 * 1_048_576);
  });

  it('names every problem at once, in Portuguese: a bad variable, missing bindings, secrets without their PEM block, a JSON bound the isolate cannot hold', () => {
    const found = problems({ ELO_AMBIENTE: 'teste', ELO_WORKER_MAX_JSON_MB: '500', ELO_SIGNING_KEY_PEM: pem('CERTIFICATE') } as unknown as WorkerEnv);
    expect(found.join('\n')).toMatch(/campo "environment" \(na variável ELO_AMBIENTE\)/);
    expect(found.join('\n')).toContain('binding "DB": ausente');
    expect(found.join('\n')).toContain('binding "BLOBS": ausente');
    expect(found.join('\n')).toContain('binding "PENDENCIAS": ausente');
    expect(found.join('\n')).toContain('segredo ELO_SIGNING_KEY_PEM: ausente ou sem um bloco PEM "PRIVATE KEY"');
    expect(found.join('\n')).toContain('segredo ELO_SIGNING_CERT_PEM');
    expect(found.join('\n')).toContain('segredo ELO_TRUST_ANCHORS_PEM');
    expect(found.join('\n')).toContain('ELO_WORKER_MAX_JSON_MB: deve ser um inteiro de 1 a 50');
  });
});
