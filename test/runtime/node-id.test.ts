import { describe, expect, it } from 'vitest';
import { DEFAULT_NODE_ID, nodeId } from '../../src/runtime/audit-chain.ts';
import { ConfigError, loadConfig } from '../../src/runtime/config.ts';

/** ELO_NODE_ID: the audit chain each node appends to (issue 11 §7; README "Configuração"). */
describe('ELO_NODE_ID', () => {
  it('names the chain when set, and is refused with the field named when it is not a plain id', () => {
    const config = loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_NODE_ID: 'no-2.dc1' }, '/tmp');
    expect(nodeId(config)).toBe('no-2.dc1');
    expect(() => loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_NODE_ID: 'nó 2' }, '/tmp')).toThrow(ConfigError);
    expect(() => loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_NODE_ID: 'x'.repeat(65) }, '/tmp')).toThrow(/campo "nodeId" \(na variável ELO_NODE_ID\)/);
  });

  it('defaults to one stable chain on SQLite and to the host name on PostgreSQL, where each node needs its own', () => {
    expect(nodeId(loadConfig({ ELO_DATA_DIR: '/tmp/x' }, '/tmp'), () => 'maquina-1')).toBe(DEFAULT_NODE_ID);
    const pgConfig = loadConfig({ ELO_DATA_DIR: '/tmp/x', ELO_DATABASE_URL: 'postgres://u:p@h/elo' }, '/tmp');
    expect(nodeId(pgConfig, () => 'maquina-1')).toBe('maquina-1');
    expect(nodeId(pgConfig, () => 'pod_7 (x)')).toBe('pod_7--x-');
  });
});
