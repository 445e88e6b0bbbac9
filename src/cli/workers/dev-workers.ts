/**
 * `npm run dev:workers`: Elo's Worker on this machine (README "Rodando na Cloudflare"), in workerd
 * with a local D1 and R2 kept in `.elo-workers/estado`, the demo federation, and a local edge on
 * https://127.0.0.1:8444 that asks for client certificates as Cloudflare's does. Node side only.
 */
import { join, resolve } from 'node:path';
import { nodeSha256 } from '../../runtime/audit-chain.ts';
import { loadConfig } from '../../runtime/config.ts';
import { startLocalWorker } from '../../runtime/workers/local/local-worker.ts';

const dataDir = resolve(process.env.ELO_DATA_DIR ?? '.elo-workers');
const config = loadConfig({ ELO_LOG_LEVEL: 'info', ...process.env, ELO_DATA_DIR: dataDir }, process.cwd());
const port = Number(process.env.ELO_WORKERS_PORT ?? 8444);
console.log('Elo no Cloudflare Workers, localmente (workerd, D1 e R2 locais): preparando…');
const local = await startLocalWorker({ config, state: join(dataDir, 'estado'), port, audit: { chain: 'local', sha256: nodeSha256 } });
console.log(`\nPronto: ${local.url} (Face Tramita em ${local.url}/interoperabilidade/rest/v3)`);
console.log('Certificados dos sistemas da federação de demonstração:');
for (const s of local.seed.sistemas) console.log(`  ${s.id}: --certificado ${s.certificado} --chave ${s.chave} --ac ${s.ac}`);
console.log(`\nExemplo: elo situacao --hub ${local.url} --certificado ${local.seed.sistemas[0]!.certificado} --chave ${local.seed.sistemas[0]!.chave} --ac ${local.seed.sistemas[0]!.ac}`);
console.log('Ctrl+C encerra.');
const stop = async () => {
  await local.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
