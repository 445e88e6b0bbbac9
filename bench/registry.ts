/**
 * The national directory: a generated tree of 1,000,000 units (the Union's organs, 27 states and
 * 5,570 municipalities, Portuguese names with accents) imported with `elo structures import`'s
 * service, then searched through the Tramita face by 8 concurrent clients. `BENCH_UNITS` makes
 * the tree smaller for a quick look.
 *
 * Query mix (1,000 searches, pages of 50): half whole words of unit or place names (with and
 * without accents), a quarter prefixes of 3 to 6 letters, a quarter siglas. Baseline: `/healthz`
 * through the same clients, same concurrency, in the same run.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { participantService } from '../src/services/participants.ts';
import { structureTreeService } from '../src/services/structures-import/structure-tree-service.ts';
import { openDataDirStore } from '../src/runtime/data-dir-access.ts';
import type { ClientCredentials } from '../src/client/tramita-client.ts';

/** A small deterministic generator: the same tree and queries in every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PREFIXES = ['São', 'Santa', 'Santo', 'Nova', 'Bom Jesus do', 'Serra do', 'Porto', 'Campo', 'Vila', 'Barra do', 'Alto', 'Ribeirão', 'Conceição do', 'Lagoa', ''];
const ROOTS = ['Itapé', 'Guaraciaba', 'Jacuípe', 'Araçá', 'Cajazeiras', 'Piracicaba', 'Itabira', 'Caetité', 'Maracanã', 'Jequitinhonha', 'Paraúna', 'Ubá', 'Xique-Xique', 'Carangola', 'Tianguá', 'Coração', 'Juazeiro', 'Iguaçu', 'Taquaritinga', 'Açailândia', 'Bragança', 'Imperatriz', 'Sobral', 'Canaã', 'Mossoró', 'Palmácia', 'Jaguaré', 'Pirapora', 'Anápolis', 'Caçapava'];
const SUFFIXES = ['', ' do Norte', ' do Sul', ' da Serra', ' das Flores', ' dos Campos', ' de Minas', ' Paulista', ' do Oeste', ' da Mata'];
const STATES = ['Acre', 'Alagoas', 'Amapá', 'Amazonas', 'Bahia', 'Ceará', 'Distrito Federal', 'Espírito Santo', 'Goiás', 'Maranhão', 'Mato Grosso', 'Mato Grosso do Sul', 'Minas Gerais', 'Pará', 'Paraíba', 'Paraná', 'Pernambuco', 'Piauí', 'Rio de Janeiro', 'Rio Grande do Norte', 'Rio Grande do Sul', 'Rondônia', 'Roraima', 'Santa Catarina', 'São Paulo', 'Sergipe', 'Tocantins'];
const SECRETARIAS = ['Educação', 'Saúde', 'Fazenda', 'Administração', 'Obras e Infraestrutura', 'Assistência Social', 'Meio Ambiente', 'Agricultura', 'Cultura e Turismo', 'Planejamento', 'Segurança Pública', 'Transportes', 'Habitação', 'Esporte e Lazer', 'Ciência e Tecnologia'];
const SETORES = ['Coordenação de Protocolo', 'Gerência de Compras', 'Departamento de Pessoal', 'Divisão de Contratos', 'Assessoria Jurídica', 'Núcleo de Licitações', 'Setor de Patrimônio', 'Diretoria de Orçamento', 'Ouvidoria', 'Gabinete', 'Arquivo Geral', 'Controladoria Interna'];
const PESSOAS = ['José de Alencar', 'Cecília Meireles', 'Machado de Assis', 'Anísio Teixeira', 'Darcy Ribeiro', 'Paulo Freire', 'Zilda Arns', 'Oswaldo Cruz', 'Rui Barbosa', 'Tiradentes', 'Dom Pedro II', 'Maria Quitéria', 'Joaquim Nabuco', 'Clarice Lispector', 'Monteiro Lobato'];
const ORGAOS_UNIAO = ['Ministério da Educação', 'Ministério da Saúde', 'Ministério da Fazenda', 'Ministério da Justiça e Segurança Pública', 'Ministério do Meio Ambiente', 'Ministério da Gestão e da Inovação', 'Instituto Nacional do Seguro Social', 'Advocacia-Geral da União', 'Controladoria-Geral da União', 'Receita Federal do Brasil'];

const sigla = (nome: string) =>
  nome
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[\s-]+/)
    .filter((w) => w.length > 2 && !['das', 'dos', 'del'].includes(w.toLowerCase()))
    .map((w) => w[0]!.toUpperCase())
    .join('')
    .slice(0, 8);

/** The tree as CSV lines, parents before children, about `total` units. */
export function generateTree(total: number): { csv: string; units: number; words: string[]; siglas: string[] } {
  const r = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const lines = ['numero;nome;sigla;numeroPai;ativo;recebeTramites'];
  const words = new Set<string>();
  const siglas: string[] = [];
  let n = 0;
  const add = (nome: string, parent: number | null, s = sigla(nome)) => {
    const numero = ++n;
    const sg = `${s}-${numero.toString(36).toUpperCase()}`;
    lines.push(`${numero};${nome};${sg};${parent ?? ''};sim;${r() < 0.9 ? 'sim' : 'não'}`);
    if (r() < 0.01) siglas.push(sg);
    return numero;
  };
  const root = add('República Federativa do Brasil', null, 'BR');
  // the Union: ~2% of the units
  for (const orgao of ORGAOS_UNIAO) {
    const o = add(orgao, root);
    for (let i = 0; i < total * 0.002; i++) add(`${pick(SETORES)} ${i + 1} - ${orgao}`, o);
  }
  // 27 states: ~25%
  for (const uf of STATES) {
    const st = add(`Governo do Estado de ${uf}`, root);
    words.add(uf.split(' ').pop()!);
    for (const sec of SECRETARIAS) {
      const s = add(`Secretaria de Estado de ${sec} de ${uf}`, st);
      const per = Math.floor((total * 0.25) / STATES.length / SECRETARIAS.length) - 1;
      for (let i = 0; i < per; i++) add(i % 3 === 0 ? `Escola Estadual ${pick(PESSOAS)} ${i}` : `${pick(SETORES)} ${i} da ${sec}`, s);
    }
  }
  // 5,570 municipalities: the rest
  const municipios = 5570;
  const perMunicipio = Math.max(3, Math.floor((total - n) / municipios) - 1);
  for (let m = 0; m < municipios && n < total; m++) {
    const nome = `${pick(PREFIXES)} ${pick(ROOTS)}${pick(SUFFIXES)}`.trim();
    for (const w of nome.split(' ')) if (w.length > 3) words.add(w);
    const pm = add(`Prefeitura Municipal de ${nome}`, root);
    for (let i = 0; i < perMunicipio && n < total; i++) {
      const sec = SECRETARIAS[i % SECRETARIAS.length]!;
      add(i < SECRETARIAS.length ? `Secretaria Municipal de ${sec} de ${nome}` : i % 4 === 0 ? `Escola Municipal ${pick(PESSOAS)}` : `${pick(SETORES)} - ${sec}`, pm);
    }
  }
  for (const w of [...SECRETARIAS, ...SETORES, ...PESSOAS].flatMap((x) => x.split(' '))) if (w.length > 3) words.add(w);
  return { csv: lines.join('\n') + '\n', units: n, words: [...words], siglas };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Imports the tree into a seeded data folder (in this process), as `elo structures import` does. */
export async function importTree(dataDir: string, tree: { csv: string }): Promise<{ ms: number; rssMiB: number }> {
  const store = openDataDirStore(dataDir);
  try {
    const clock = { now: () => new Date() };
    const participants = participantService({ store, clock });
    await participants.register({ cnpj: '00394460005887', nome: 'Diretório Nacional', sigla: 'DN', esfera: 'federal' }, 'bench');
    const t0 = performance.now();
    const r = await structureTreeService({ store, clock }, participants).importTree(
      new TextEncoder().encode(tree.csv),
      { repositorio: 900, participante: '00394460005887', nome: 'Diretório Nacional' },
      'bench',
    );
    const ms = performance.now() - t0;
    if (r.criadas === 0) throw new Error('nothing imported');
    return { ms, rssMiB: Math.round(process.memoryUsage().rss / 1_048_576) };
  } finally {
    await store.close();
  }
}

/**
 * The same searches straight on the store, one at a time, in this process: what the index costs
 * without TLS, HTTP and the 8-way queue on 2 cores (the page's hierarchy included).
 */
export async function storeSearchLatency(dataDir: string, qs: string[]) {
  const store = openDataDirStore(dataDir);
  try {
    const times: number[] = [];
    for (const q of qs) {
      const p = new URLSearchParams(q);
      const t0 = performance.now();
      const r = await store.registry.searchStructures({
        repositoryId: 900,
        ...(p.get('nome') ? { nome: p.get('nome')! } : {}),
        ...(p.get('sigla') ? { sigla: p.get('sigla')! } : {}),
        offset: 0,
        limit: 50,
        countUpTo: 1000,
      });
      await store.registry.ancestorsOf(900, r.items.map((x) => x.numero));
      times.push(performance.now() - t0);
    }
    return { p50: +percentile(times, 50).toFixed(2), p95: +percentile(times, 95).toFixed(2), p99: +percentile(times, 99).toFixed(2) };
  } finally {
    await store.close();
  }
}

/** The query mix, deterministic. */
export function queries(tree: { words: string[]; siglas: string[] }, count: number): string[] {
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 4;
    if (kind === 0 || kind === 1) {
      const w = pick(tree.words);
      return `nome=${encodeURIComponent(r() < 0.5 ? fold(w).toLowerCase() : w)}`;
    }
    if (kind === 2) {
      const w = fold(pick(tree.words.filter((x) => x.length >= 3)));
      return `nome=${encodeURIComponent(w.slice(0, 3 + Math.floor(r() * 4)).toLowerCase())}`;
    }
    return `sigla=${encodeURIComponent(pick(tree.siglas))}`;
  });
}

/**
 * Searches that warm the hub (its JIT, SQLite's page cache) and share no term with `measured`:
 * random strings of 3 to 8 letters as names and siglas, so the directory cache holds none of the
 * measured pages when the measured run starts. A hub in service is warm; one just started is not,
 * and the first second of a V8 process is compilation, not search.
 */
export function warmUpQueries(measured: string[], count: number): string[] {
  const r = rng(1234);
  const taken = new Set(measured);
  const out: string[] = [];
  while (out.length < count) {
    const word = Array.from({ length: 3 + Math.floor(r() * 6) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
    const q = r() < 0.75 ? `nome=${word}` : `sigla=${word.toUpperCase()}`;
    if (!taken.has(q)) out.push(q);
  }
  return out;
}

/** 8 clients, 1,000 searches (pages of 50) and the same number of /healthz, after a warm-up, with latencies and the hub's memory. */
export async function searchLoad(url: string, creds: ClientCredentials, pid: number, qs: string[], concurrency = 8, warmUp: string[] = warmUpQueries(qs, 1000)) {
  const agent = new Agent({ connect: { cert: creds.cert, key: creds.key, ca: creds.ca }, connections: concurrency });
  const origin = new URL(url).origin;
  const base = new URL(url).pathname.replace(/\/$/, '');
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  let maxRss = rss();
  // sampled, not read after each request: a /proc read per request cost the client (which
  // shares the 2 cores with the hub) more CPU than undici's own work for a small answer
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rss())), 10);
  /** The hub's CPU time so far (utime + stime, in clock ticks of 10 ms: /proc/PID/stat fields 14–15). */
  const hubCpuMs = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const run = async (paths: string[]) => {
    const times: number[] = [];
    let next = 0;
    const cpu0 = process.cpuUsage();
    const hub0 = hubCpuMs();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < paths.length) {
          const p = paths[next++]!;
          const s = performance.now();
          // undici's request, not fetch: fetch's WHATWG streams cost the client several times
          // more CPU per call, and the client shares the 2 cores with the hub
          const res = await agent.request({ origin, path: base + p, method: 'GET' });
          const body = await res.body.arrayBuffer();
          if (res.statusCode !== 200) throw new Error(`${p}: ${res.statusCode} ${new TextDecoder().decode(body)}`);
          times.push(performance.now() - s);
        }
      }),
    );
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      p50: +percentile(times, 50).toFixed(2),
      p95: +percentile(times, 95).toFixed(2),
      p99: +percentile(times, 99).toFixed(2),
      perSecond: Math.round((paths.length / wall) * 1000),
      /** The hub's own CPU per request: what the shared machine's noise does not change much. */
      hubCpuMsPerRequest: +((hubCpuMs() - hub0) / paths.length).toFixed(2),
      /** The load client's CPU time ÷ wall time: well under 1 means it was not the bottleneck. */
      clientCpuShare: +((cpu.user + cpu.system) / 1000 / wall).toFixed(2),
    };
  };
  // warm-up (no measured term: see warmUpQueries), then the measured runs
  await run(warmUp.map((q) => `/interoperabilidade/rest/v3/repositorios-de-estruturas/900/estruturas-organizacionais?${q}&quantidadeDeRegistros=50`));
  await run(warmUp.map(() => '/healthz'));
  const healthz = await run(qs.map(() => '/healthz'));
  const search = await run(qs.map((q) => `/interoperabilidade/rest/v3/repositorios-de-estruturas/900/estruturas-organizacionais?${q}&quantidadeDeRegistros=50`));
  await agent.close();
  clearInterval(sampler);
  maxRss = Math.max(maxRss, rss());
  return { healthz, search, searchVsHealthz: +(search.perSecond / healthz.perSecond).toFixed(2), hubRssMiB: Math.round(maxRss) };
}
