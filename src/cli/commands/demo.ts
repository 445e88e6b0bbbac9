import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { criarClienteElo, type ClienteElo } from '../../client/index.ts';
import { ConfigError, loadConfig, type EloConfig } from '../../runtime/config.ts';
import { openConfiguredStore } from '../../runtime/data-dir-access.ts';
import { startNodeHub } from '../../runtime/hub.ts';
import { seedDemo } from '../../runtime/seed-demo.ts';
import { playStory, type StepResult } from '../demo/story.ts';
import { tokenServiceOf } from './token.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io.ts';
import { parseCommand } from '../parse-command.ts';
import { progressBars } from '../progress-bars.ts';
import { failureText } from '../failure-text.ts';
import { situacaoNome, type Situacao } from '../../domain/situacao.ts';

const help = `Uso: npm run demo [-- --once] [-- --arquivo-grande MiB]
     elo demo [--once|--uma-vez] [--arquivo-grande MiB] [--json]

Uma federação de demonstração num só comando: carrega a federação de demonstração (como
"elo seed demo"), usa o hub desta máquina se ele estiver no ar (ou inicia um, com a configuração
embutida) e faz três instâncias simuladas — a Prefeitura de Exemplópolis, o Governo do Estado de
Exemplo e o Ministério de Exemplo (União), cada uma com seu certificado e sua árvore de unidades —
contarem uma história pelo SDK:
  1. a prefeitura envia ao estado um processo com PDFs;
  2. o estado o devolve com um documento novo (mesmo NRE, documentos acrescentados);
  3. o estado envia à União um processo com um arquivo grande (--arquivo-grande MiB, padrão 300),
     em partes;
  4. a União recusa um processo de espécie que não mapeou (motivo 04) e o estado dá ciência.
Cada passo mostra IDT, NRE, situação e as impressões digitais dos recibos. Depois o hub continua no
ar e o comando diz onde olhar (o painel e um token de monitor); --once conta a história e termina.`;

const MIB_MAX = 4096;

export const runDemo: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, { once: { type: 'boolean' }, 'uma-vez': { type: 'boolean' }, 'arquivo-grande': { type: 'string' } }, help, io, { json: true });
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  const once = Boolean(values.once || values['uma-vez']);
  const json = Boolean(values.json);
  const bigFileMib = values['arquivo-grande'] === undefined ? 300 : Number(values['arquivo-grande']);
  if (!Number.isInteger(bigFileMib) || bigFileMib < 1 || bigFileMib > MIB_MAX) {
    io.err(`--arquivo-grande deve ser um número inteiro de MiB entre 1 e ${MIB_MAX} (recebido: ${values['arquivo-grande']}).`);
    return EXIT_USAGE;
  }
  const say = (line: string) => {
    if (!json) io.out(line);
  };
  let config: EloConfig;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
  const clients: ClienteElo[] = [];
  let hub: Awaited<ReturnType<typeof startNodeHub>> | null = null;
  const work = await mkdtemp(join(tmpdir(), 'elo-demo-'));
  try {
    const seed = await seedDemo(config, new Date());
    const system = (id: string) => seed.sistemas.find((s) => s.id === id)!;
    let hubUrl = await runningHub(config, await readFile(system('sei-estado').ac, 'utf8'));
    if (hubUrl) say(`Usando o hub que já está no ar em ${hubUrl}.`);
    else {
      // the hub's one line per request would bury the story: warnings only, unless asked otherwise
      try {
        hub = await startNodeHub(io.env.ELO_LOG_LEVEL ? config : { ...config, logLevel: 'warn' });
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
        io.err(`A porta ${config.port} (${config.host}) já está em uso por outro processo, que não é um hub desta pasta de dados (${config.dataDir}). Encerre-o, rode a demonstração na pasta do hub que está no ar, ou escolha outra porta em ELO_PORT.`);
        return EXIT_FAILED;
      }
      hubUrl = hub.url;
      say(`Hub iniciado em ${hubUrl} (pasta de dados ${config.dataDir}).`);
    }
    const client = (id: string) => {
      const s = system(id);
      const c = criarClienteElo({ hub: hubUrl!, certificado: s.certificado, chave: s.chave, ac: s.ac });
      clients.push(c);
      return c;
    };
    const actors = { municipio: client('sei-municipio'), estado: client('sei-estado'), uniao: client('sei-uniao') };
    say('Instâncias: Prefeitura Municipal de Exemplópolis (sei-municipio, repositório 200), Governo do Estado de Exemplo (sei-estado, 100), Ministério de Exemplo (sei-uniao, 1).\n');
    const bars = progressBars(io, json);
    const started = performance.now();
    let steps: StepResult[];
    try {
      steps = await playStory(actors, { bigFileMib, workDir: work, log: say, runId: String(Date.now() % 1_000_000).padStart(6, '0'), ...(bars.aoProgredir ? { aoProgredir: bars.aoProgredir } : {}) });
    } finally {
      bars.parar();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (json) io.out(JSON.stringify({ hub: hubUrl, segundos: Number(seconds), passos: steps }, null, 2));
    else {
      say(`\nHistória contada em ${seconds} s. Situação final de cada trâmite:`);
      for (const s of steps) say(`  ${String(s.passo)}. IDT ${s.IDT}  NRE ${s.NRE}  ${s.situacao} — ${situacaoNome[s.situacao as Situacao]}  (${s.descricao})`);
    }
    if (once) return EXIT_OK;
    const monitorToken = await createMonitorToken(config);
    const panel = `${hub?.admin?.url ?? hubUrl}/monitor/`;
    say(`\nOnde olhar:\n  Painel:             ${panel}\n  Token de monitor:   ${monitorToken}\n  Face Tramita:       ${hubUrl}/interoperabilidade/rest/v3/\n  Pelo terminal:      npx elo status IDT --sistema sei-estado`);
    if (!hub) return EXIT_OK;
    say('\nO hub continua no ar. Ctrl+C para encerrar.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('Encerrando o hub…');
    return EXIT_OK;
  } catch (e) {
    io.err(`A demonstração parou: ${e instanceof Error ? e.message : failureText(e)}`);
    return EXIT_FAILED;
  } finally {
    await Promise.all(clients.map((c) => c.fechar()));
    await hub?.close();
    await rm(work, { recursive: true, force: true });
  }
};

/** The hub of this configuration if one answers on its port (an `npm start` in another terminal), else null. */
async function runningHub(config: EloConfig, caPem: string): Promise<string | null> {
  if (config.port === 0) return null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  const agent = new Agent({ connect: { ca: caPem, timeout: 1500 } });
  try {
    const res = await fetch(`${url}/healthz`, { dispatcher: agent, signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok ? url : null;
  } catch {
    return null;
  } finally {
    await agent.close();
  }
}

async function createMonitorToken(config: EloConfig): Promise<string> {
  const store = await openConfiguredStore(config);
  try {
    return (await tokenServiceOf(store).create({ role: 'monitor', rotulo: 'demonstração' }, 'demo')).token;
  } finally {
    await store.close();
  }
}
