import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.ts';

/** README "Configuração": ELO_MONITOR_STUCK_MINUTES sets the stuck thresholds per situação, the rest keep their defaults. */
describe('ELO_MONITOR_STUCK_MINUTES', () => {
  const load = (v?: string) => loadConfig({ ELO_DATA_DIR: '/tmp/elo-config-test', ...(v === undefined ? {} : { ELO_MONITOR_STUCK_MINUTES: v }) }, '/tmp');

  it('defaults to 120 minutes in 1, 60 in 2, 90 in 3, 4, 5 and 8', () => {
    expect(load().monitorStuckMinutes).toEqual({ 1: 120, 2: 60, 3: 90, 4: 90, 5: 90, 8: 90 });
  });

  it('overrides only the situações given', () => {
    expect(load('2=30, 5=1440').monitorStuckMinutes).toEqual({ 1: 120, 2: 30, 3: 90, 4: 90, 5: 1440, 8: 90 });
  });

  it.each(['11=5', '2=abc', '2=0'])('refuses %s naming the field', (v) => {
    expect(() => load(v)).toThrow(ConfigError);
    expect(() => load(v)).toThrow(/monitorStuckMinutes/);
  });
});
