import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/runtime/config.ts';
import { seedDemo } from '../src/runtime/seed-demo.ts';

/** Where a system's PEM files are: its certificate, its key, and the federation CA. */
export interface SystemFiles {
  cert: string;
  key: string;
  ca: string;
}

/**
 * A fresh data folder seeded with the demo federation (what the hub and the bench's baselines
 * serve from), and where each system's PEM files are.
 */
export async function seededFolder(prefix = 'elo-bench-'): Promise<{ dir: string; files(id: string): SystemFiles }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
  return {
    dir,
    files(id) {
      const s = seed.sistemas.find((x) => x.id === id);
      if (!s) throw new Error(`o sistema ${id} não está na federação de demonstração`);
      return { cert: s.certificado, key: s.chave, ca: s.ac };
    },
  };
}
