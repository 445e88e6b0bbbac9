import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criarClienteElo } from '../../src/client/index.ts';
import { DEMO_DOCUMENTS } from '../../src/cli/demo/documents.ts';
import { minimalPdf } from '../../src/cli/demo/pdf.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { inProcessCli } from '../harness/cli.ts';

/**
 * fixtures/pastas/ (folders for `elo send`) and fixtures/estruturas/ (the demo entities' unit
 * trees) are what the project generates and what the demo federation accepts, as they are.
 */
const fixtures = join(import.meta.dirname, '../../fixtures');
const folders = readdirSync(join(fixtures, 'pastas'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
/** The demo system acting for each repository (federation/demo/federation.json). */
const OWNER: Record<number, string> = { 1: 'sei-uniao', 5: 'protocolo-tribunal', 100: 'sei-estado', 200: 'sei-municipio' };

describe('fixture folders and unit trees against the demo federation', () => {
  let t: TestHub;
  let elo: ReturnType<typeof inProcessCli>;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_LOG_LEVEL: 'error' } });
    elo = inProcessCli(() => ({ ...t.env, ELO_HUB_URL: t.hub.url }), () => t.dir);
  });
  afterAll(async () => t?.close());

  it('holds PDFs that are exactly what the project renders from the demo documents, and that qpdf reads', () => {
    const pdfs = folders.flatMap((f) => readdirSync(join(fixtures, 'pastas', f)).filter((n) => n.endsWith('.pdf')).map((n) => join(fixtures, 'pastas', f, n)));
    expect(pdfs.length).toBeGreaterThanOrEqual(4);
    for (const path of pdfs) {
      const doc = Object.values(DEMO_DOCUMENTS).find((d) => path.endsWith(`/${d.nome}`));
      expect(doc, path).toBeDefined();
      expect(readFileSync(path).equals(Buffer.from(minimalPdf(doc!.linhas))), path).toBe(true);
      expect(execFileSync('qpdf', ['--check', path], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
    }
  });

  it.each(folders)('fixtures/pastas/%s is sent by elo send as it is, and received whole', async (folder) => {
    const dir = join(fixtures, 'pastas', folder);
    const file = readdirSync(dir).find((n) => n === 'processo.json' || n === 'documento.json')!;
    const body = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const sender = OWNER[Number(body.cabecalho.remetente.identificacaoDoRepositorioDeEstruturas)]!;
    // the receipt goes to a folder of the test's, not into the fixture
    const copy = join(t.dir, `envio-${folder}`);
    execFileSync('cp', ['-r', dir, copy]);
    const sent = await elo('send', copy, '--sistema', sender, '--json');
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    const tramites = JSON.parse(sent.out) as { IDT: number; situacao: number }[];
    const destinations = body.cabecalho.destinatarios ?? [body.cabecalho.destinatario];
    expect(tramites.map((x) => x.situacao)).toEqual(destinations.map(() => 2));
    for (const [i, tr] of tramites.entries()) {
      const s = t.seed.sistemas.find((x) => x.id === OWNER[Number(destinations[i].identificacaoDoRepositorioDeEstruturas)])!;
      const receiver = criarClienteElo({ hub: t.hub.url, certificado: s.certificado, chave: s.chave, ac: s.ac });
      try {
        const got = await receiver.receber(tr.IDT);
        for (const c of got.componentes) expect(Buffer.from(c.bytes!).equals(readFileSync(join(dir, c.nome)))).toBe(true);
        await receiver.concluir(tr.IDT);
      } finally {
        await receiver.fechar();
      }
    }
  });

  it('holds the unit tree of each demo participant exactly as elo structures export writes it from the demo federation', async () => {
    const trees = readdirSync(join(fixtures, 'estruturas')).filter((n) => n.endsWith('.csv'));
    const participants: Record<string, [number, string]> = {
      'estado-exemplo.csv': [100, '00000000000191'],
      'municipio-exemplopolis.csv': [200, '11111111000191'],
      'uniao-exemplo.csv': [1, '22222222000191'],
      'tribunal-exemplo.csv': [5, '33333333000191'],
    };
    expect(trees.sort()).toEqual(Object.keys(participants).sort());
    for (const name of trees) {
      const [repo, cnpj] = participants[name]!;
      const out = join(t.dir, name);
      expect((await elo('structures', 'export', '--repositorio', String(repo), '--participante', cnpj, '--saida', out)).code).toBe(0);
      expect(readFileSync(out).equals(readFileSync(join(fixtures, 'estruturas', name))), name).toBe(true);
    }
  });
});
