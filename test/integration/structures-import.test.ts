import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromFiles } from '../../src/client/tramita-client.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * README "Cadastrando um parceiro": a new municipality from nothing to its first received
 * trâmite with the `elo` commands, and the rules of its unit tree — whole-file refusals,
 * idempotent re-imports, versions, units never deleted, successors — over real mTLS.
 */
describe('a participant’s unit tree: import, export, versions and successors', () => {
  let t: TestHub;
  const work = mkdtempSync(join(tmpdir(), 'elo-estruturas-'));
  const BH = '18.715.383/0001-40';

  const cli = inProcessCli(() => t.env, () => work);
  const file = (name: string, content: string | Uint8Array) => {
    writeFileSync(join(work, name), content);
    return name;
  };
  const importJson = async (...args: string[]) => {
    const r = await cli('structures', 'import', ...args, '--json');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as Record<string, any>;
  };

  /** The tree as a spreadsheet saves it: BOM, ';', accents, sim/não. */
  const sheet = [
    'numero;nome;sigla;numeroPai;ativo;recebeTramites',
    '3000;Prefeitura de Belo Horizonte;PBH;;sim;não',
    '3001;Secretaria Municipal de Educação;SMED;3000;sim;sim',
    '3002;Secretaria Municipal de Saúde;SMSA;3000;sim;sim',
    '3003;Gabinete do Prefeito;GABP;3000;sim;sim',
  ].join('\r\n');

  beforeAll(async () => {
    t = await startTestHub();
    const added = await cli('participant', 'add', '--cnpj', BH, '--nome', 'Município de Belo Horizonte', '--sigla', 'PBH', '--esfera', 'municipal', '--uf', 'MG', '--ibge', '3106200');
    expect(added.code, added.err).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses to import into a repository that does not exist unless it is named, changing nothing', async () => {
    const before = t.snapshot();
    const r = await cli('structures', 'import', file('bh.csv', '\uFEFF' + sheet), '--repositorio', '300', '--participante', BH);
    expect(r.code).toBe(1);
    expect(r.err).toContain('O repositório de estruturas 300 não existe. Para criá-lo com esta importação, informe o nome dele (--nome "…").');
    expect(t.snapshot()).toEqual(before);
  });

  it('simulates the first import, writing nothing', async () => {
    const before = t.snapshot();
    const r = await importJson('bh.csv', '--repositorio', '300', '--participante', BH, '--nome', 'Estruturas de Belo Horizonte', '--simular');
    expect(r).toMatchObject({ simulacao: true, criadas: 4, alteradas: 0, versao: 0, codificacao: 'utf-8-bom', separador: ';' });
    expect(t.snapshot()).toEqual(before);
  });

  it('imports the spreadsheet as version 1, creating the repository; the Tramita face finds the units', async () => {
    const r = await importJson('bh.csv', '--repositorio', '300', '--participante', BH, '--nome', 'Estruturas de Belo Horizonte');
    expect(r).toMatchObject({ simulacao: false, criadas: 4, versao: 1 });
    const found = await t.client('sei-estado').call<{ estruturas: { numeroDeIdentificacaoDaEstrutura: string; nome: string }[] }>(
      'GET',
      'repositorios-de-estruturas/300/estruturas-organizacionais',
      { query: { nome: 'educacao' } },
    );
    expect(found.body.estruturas.map((e) => e.nome)).toEqual(['Secretaria Municipal de Educação']);
  });

  it('changes nothing, not even the version, when the same tree comes again — as the exported CSV, as JSON, or saved as Windows-1252', async () => {
    const exported = await cli('structures', 'export', '--repositorio', '300', '--participante', BH, '--saida', 'export.csv');
    expect(exported.code, exported.err).toBe(0);
    const csv = readFileSync(join(work, 'export.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFnumero;nome;sigla;numeroPai;ativo;recebeTramites;enviaTramites;codigoNoOrgao;unidadeReceptora;sucessor\r\n')).toBe(true);
    expect(csv).toContain('3000;Prefeitura de Belo Horizonte;PBH;;sim;não;sim;;;');
    const json = await cli('structures', 'export', '--repositorio', '300', '--participante', BH, '--formato', 'json');
    file('export.json', json.out);
    const latin1 = Uint8Array.from([...sheet].map((c) => c.charCodeAt(0)));
    const before = t.snapshot();
    for (const name of ['export.csv', 'export.json', file('bh-1252.csv', latin1)]) {
      const r = await importJson(name, '--repositorio', '300', '--participante', BH);
      expect(r, name).toMatchObject({ criadas: 0, alteradas: 0, desativadas: 0, inalteradas: 4, versao: 1 });
    }
    expect((await importJson('bh-1252.csv', '--repositorio', '300', '--participante', BH)).codificacao).toBe('windows-1252');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a broken file whole, every problem by line, and nothing changes', async () => {
    const before = t.snapshot();
    const broken = file('quebrado.csv', 'numero;nome;sigla;numeroPai\n3000;Prefeitura de Belo Horizonte;PBH;\n3004;Nova;NV;3999\n3005;Outra;;3000\n3001;Repetida;R;3000\n');
    const r = await cli('structures', 'import', broken, '--repositorio', '300', '--participante', BH);
    expect(r.code).toBe(1);
    expect(r.err).toContain('O arquivo de estruturas foi recusado inteiro e nada mudou. 1 problema(s):');
    expect(r.err).toContain('- linha 4: sigla em branco');
    const tree = file('arvore.csv', 'numero;nome;sigla;numeroPai\n3004;Nova;NV;3999\n3001;Repetida;R;3000\n3001;De novo;R2;3000\n');
    const r2 = await cli('structures', 'import', tree, '--repositorio', '300', '--participante', BH);
    expect(r2.err).toContain('- linha 2: numeroPai 3999 não está no arquivo nem no repositório');
    expect(r2.err).toContain('- linha 4: numero 3001 repetido (já na linha 3)');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a file that names another participant’s unit, and never touches the other participant’s tree', async () => {
    // the demo municipality's tree lives in repository 200; a unit of it in BH's file is refused
    await cli('structures', 'import', file('bh-200.csv', '\uFEFF' + sheet), '--repositorio', '200', '--participante', BH);
    const before = t.snapshot();
    const r = await cli('structures', 'import', file('invasao.csv', 'numero;nome;sigla;numeroPai\n2002;Protocolo tomado;X;\n'), '--repositorio', '200', '--participante', BH);
    expect(r.code).toBe(1);
    expect(r.err).toContain('linha 2: a estrutura 2002 é de outro participante (municipio-exemplopolis)');
    expect(t.snapshot()).toEqual(before);
  });

  it('keeps units missing from a new file unless asked, deactivates them (never deletes) when asked, and records each version', async () => {
    const smaller = file('menor.csv', sheet.split('\r\n').slice(0, 4).join('\n'));
    const kept = await importJson(smaller, '--repositorio', '300', '--participante', BH);
    expect(kept).toMatchObject({ criadas: 0, alteradas: 0, ausentes: 1, versao: 1 });
    const r = await importJson(smaller, '--repositorio', '300', '--participante', BH, '--desativar-ausentes', '--vigencia', '2027-01-01');
    expect(r).toMatchObject({ desativadas: 1, versao: 2, vigencia: '2027-01-01', mudancas: [{ numero: '3003', acao: 'desativada' }] });
    const unit = await t.hub.store.registry.getStructure(300, '3003');
    expect(unit).toMatchObject({ ativo: false, nome: 'Gabinete do Prefeito' });
    const history = await t.hub.services.structureTrees.history(300, BH);
    expect(history.map((h) => [h.version, h.created, h.deactivated, h.effectiveAt])).toEqual([
      [1, 4, 0, expect.any(String)],
      [2, 0, 1, '2027-01-01'],
    ]);
  });

  it('takes a new municipality to its first received trâmite: its system, its certificate, a send from the state; a send to a merged unit is refused naming its successor', async () => {
    // Saúde merged into a new secretariat: the old unit stays, inactive, pointing at its successor
    const merged = [
      'numero;nome;sigla;numeroPai;ativo;recebeTramites;sucessor',
      '3000;Prefeitura de Belo Horizonte;PBH;;sim;não;',
      '3001;Secretaria Municipal de Educação;SMED;3000;sim;sim;',
      '3002;Secretaria Municipal de Saúde;SMSA;3000;não;sim;3004',
      '3004;Secretaria Municipal de Saúde e Assistência;SMSAS;3000;sim;sim;',
    ].join('\n');
    const r = await importJson(file('fusao.csv', merged), '--repositorio', '300', '--participante', BH);
    expect(r).toMatchObject({ criadas: 1, versao: 3 });

    expect((await cli('system', 'add', '--id', 'sei-pbh', '--participante', BH, '--nome', 'SEI da PBH', '--estrutura', '300:3000:subarvore')).code).toBe(0);
    const issued = await cli('ca', 'issue', '--sistema', 'sei-pbh', '--saida', work, '--json');
    const files = JSON.parse(issued.out).files as { certificado: string; chave: string };
    const pbh = t.client('sei-pbh', credentialsFromFiles({ cert: files.certificado, key: files.chave, ca: t.paths.caCert }));
    const estado = t.client('sei-estado');
    const pkg = (to: string, n: number) => processoBody({ protocolo: `BH-${n}/2026`, remetente: [100, '1002'], destinatario: [300, to], documentos: [{ bytes: [new Uint8Array([n])] }] });
    const send = (to: string, n: number) => estado.iniciarProcesso(pkg(to, n).body);

    const refused = await send('3002', 1);
    expect({ status: refused.status, codigoErro: refused.body.codigoErro }).toEqual({ status: 400, codigoErro: '0005' });
    expect(refused.body.mensagem).toContain('foi sucedida pela estrutura 3004 (SMSAS — Secretaria Municipal de Saúde e Assistência). Envie o processo à estrutura sucessora.');

    const sent = await send('3004', 2);
    expect(sent.status, sent.text).toBe(200);
    const component = pkg('3004', 2).components[0]!;
    const up = await estado.enviarComponente(String(sent.body.ticketParaEnvioDeComponentesDigitais), { ...component, protocolo: 'BH-2/2026' });
    expect(up.status, up.text).toBe(200);
    const pendentes = await pbh.pendentes();
    expect(pendentes.status).toBe(200);
    expect(pendentes.body.map((p) => p.IDT)).toContain(sent.body.IDT);
  });
});
