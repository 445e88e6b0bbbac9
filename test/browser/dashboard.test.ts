import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * The dashboard in a real browser (issue: monitoring, item 2): Debian's Chromium driven by
 * playwright-core logs in, reads the overview, searches an IDT, opens a stuck trâmite and its
 * timeline, cancels it as the operator, reads a participant's page and the refused requests; axe-core runs on every
 * page and no serious or critical violation is allowed (eMAG follows WCAG). Screenshots go to
 * test/.tmp/painel/; with ELO_DOCS_SCREENSHOT=1 the overview's also replaces the README's
 * (docs/painel-visao-geral.png).
 */
const CHROMIUM = '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test/.tmp/painel');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the page; returns the serious and critical violations, described. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

describe('dashboard in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const clock = new FixedClock(new Date());
  let adminToken = '';
  const idts: number[] = [];
  const cli = inProcessCli(() => t.env, () => t.dir);

  /** Checks the page with axe and keeps its screenshot. */
  const check = async (name: string) => {
    expect(await seriousViolations(page), name).toEqual([]);
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    t = await startTestHub({ clock, env: { ELO_SWEEP_INTERVAL_SECONDS: '3600' } });
    adminToken = readFileSync(t.paths.adminToken, 'utf8').trim();
    for (const [protocolo, destinatario] of [
      ['12.0001/2026', [200, '2002']],
      ['12.0002/2026', [200, '2001']],
      ['12.0003/2026', [100, '1003']],
    ] as const) {
      const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [...destinatario], documentos: [{ bytes: [new Uint8Array([1, 2, 3])] }] });
      const r = await t.client('sei-estado').iniciarProcesso(pkg.body);
      expect(r.status, r.text).toBe(200);
      idts.push(r.body.IDT as number);
    }
    // nobody acts for three hours: the three are "parados" on the overview
    clock.advance(3 * 3_600_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // the hub's certificate is the test federation's own; axe is injected as a script tag, which
    // the dashboard's CSP (no script at all) would otherwise refuse
    context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true, locale: 'pt-BR', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong token with a Portuguese message and stays on the login form', async () => {
    await page.goto(`${t.hub.url}/monitor/`);
    expect(new URL(page.url()).pathname).toBe('/monitor/entrar');
    await expect(page.locator('h1').textContent()).resolves.toBe('Entrar');
    await check('01-entrar');
    await page.getByLabel('Token de acesso').fill('um-token-que-nao-existe');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/monitor/entrar') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Entrar' }).click()]);
    expect(answer.status()).toBe(401);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Token inválido, revogado ou ausente');
    expect((await context.cookies()).filter((c) => c.name === 'elo_painel')).toEqual([]);
    await check('02-token-recusado');
  });

  it('logs in and shows the overview: counts by situação, stuck trâmites, throughput chart', async () => {
    await page.getByLabel('Token de acesso').fill(adminToken);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(/\/monitor\/$/);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'elo_painel');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/monitor' });
    await expect(page.locator('h1').textContent()).resolves.toBe('Visão geral');
    await expect(page.locator('td[data-situacao="1"]').textContent()).resolves.toBe('3');
    await expect(page.locator('td[data-situacao="6"]').textContent()).resolves.toBe('0');
    const stuck = page.locator('section[aria-labelledby="parados"] tbody tr');
    await expect(stuck.count()).resolves.toBe(3);
    await expect(stuck.first().textContent()).resolves.toMatch(/3 h \d+ min \(desde [^)]+; limite 2 h 0 min\)sistema remetente \(sei-estado\)PUT tickets-de-envio-de-componente\/.*em 7 d 2\d h/);
    await expect(page.locator('svg[role="img"] title').textContent()).resolves.toBe('Trâmites iniciados e concluídos por dia, últimos 14 dias');
    // the three started today by the hub's clock, which the three hours above may have carried
    // past midnight (UTC): counted over the chart's days, not on its last row
    const started = await page.locator('section[aria-labelledby="vazao"] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[1]?.textContent ?? 0)));
    expect(started.reduce((a, b) => a + b, 0)).toBe(3);
    expect(started.slice(-2).reduce((a, b) => a + b, 0)).toBe(3);
    await check('03-visao-geral');
    if (process.env.ELO_DOCS_SCREENSHOT === '1') copyFileSync(join(shots, '03-visao-geral.png'), join(root, 'docs/painel-visao-geral.png'));
  });

  it('searches a trâmite by its IDT', async () => {
    await page.getByRole('link', { name: 'Busca' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Busca de trâmites');
    await page.getByLabel('IDT', { exact: true }).fill(String(idts[1]));
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect(page.getByText('1 trâmite encontrado.').count()).resolves.toBe(1);
    await expect(page.locator('tbody tr td').nth(2).textContent()).resolves.toBe('12.0002/2026');
    await check('04-busca');
  });

  it('opens a stuck trâmite from the overview and reads its timeline and who must act', async () => {
    await page.getByRole('link', { name: 'Visão geral' }).click();
    await page.locator('section[aria-labelledby="parados"]').getByRole('link', { name: String(idts[0]) }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe(`Trâmite ${idts[0]}`);
    const row = (name: string) => page.locator('tr', { has: page.locator('th', { hasText: name }) }).locator('td');
    await expect(row('Situação').textContent()).resolves.toBe('1 — Aguardando o envio dos arquivos digitais');
    await expect(row('Quem deve agir').textContent()).resolves.toBe('sistema remetente (sei-estado)');
    await expect(row('Próxima ação').textContent()).resolves.toMatch(/^PUT tickets-de-envio-de-componente\//);
    await expect(row('Cancelamento automático').textContent()).resolves.toMatch(/^em 7 d 2\d h/);
    await expect(row('Protocolo').textContent()).resolves.toBe('12.0001/2026');
    await expect(page.getByRole('heading', { name: 'Linha do tempo' }).count()).resolves.toBe(1);
    await expect(page.getByText('Trâmite iniciado pelo remetente').count()).resolves.toBe(1);
    await check('05-tramite');
  });

  it('cancels the trâmite as the operator, with a reason that shows in its timeline', async () => {
    await page.getByLabel('Motivo do cancelamento').fill('Destinatário errado, confirmado por telefone');
    await page.getByRole('button', { name: 'Cancelar trâmite' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('Trâmite cancelado pelo operador.');
    const situacao = page.locator('tr', { has: page.locator('th', { hasText: 'Situação' }) }).locator('td');
    await expect(situacao.textContent()).resolves.toBe('7 — Cancelado');
    await expect(page.getByText('Cancelado — motivo: Destinatário errado, confirmado por telefone').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Cancelar trâmite' }).count()).resolves.toBe(0);
    expect((await t.hub.services.audit.tramiteStory(idts[0]!)).tramite.situacao).toBe(7);
    await check('06-tramite-cancelado');
  });

  it("shows a participant's systems, certificates and recent trâmites, and the overview's new figures", async () => {
    await page.goto(`${t.hub.url}/monitor/participantes/estado-exemplo`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Participante /);
    await expect(page.locator('section[aria-labelledby="sistemas"] tbody td').first().textContent()).resolves.toBe('sei-estado');
    await expect(page.locator('section[aria-labelledby="recentes"] tbody tr').count()).resolves.toBe(3);
    // figures of services.monitoring.figures: three sent, one of them to its own unit 1003
    await expect(page.locator('td[data-numero="enviados"]').textContent()).resolves.toBe('3');
    await expect(page.locator('td[data-numero="recebidos"]').textContent()).resolves.toBe('1');
    await expect(page.locator('td[data-numero="cancelados"]').textContent()).resolves.toBe('1');
    await expect(page.locator('td[data-numero="pendentes"]').textContent()).resolves.toBe('2');
    await check('07-participante');
    await page.goto(`${t.hub.url}/monitor/`);
    await expect(page.locator('td[data-situacao="1"]').textContent()).resolves.toBe('2');
    await expect(page.locator('td[data-situacao="7"]').textContent()).resolves.toBe('1');
  });

  it("lists the refused requests with a 0047's ordem and both hashes", async () => {
    await t.hub.services.monitoring.recordRefusal({
      systemId: 'sei-estado',
      method: 'PUT',
      path: '/interoperabilidade/rest/v3/tickets-de-envio-de-componente/9/protocolos/componentes-a-enviar',
      error: {
        code: 'document_hash_mismatch',
        codigoErro: '0047',
        status: 422,
        mensagem: 'O hash do componente diverge do registrado para o documento.',
        details: { nre: '0000000000000047', ordem: 2, componente: 1, registrado: 'A'.repeat(44), recebido: 'B'.repeat(44), idt: idts[1] },
      },
    });
    await page.getByRole('link', { name: 'Recusas' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Recusas');
    const row = page.locator('tr[data-codigo="0047"]');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain(`hash registrado: ${'A'.repeat(44)}`);
    await expect(row.textContent()).resolves.toContain(`hash recebido: ${'B'.repeat(44)}`);
    await check('08-recusas');
  });

  it('lists the webhook notifications that were never delivered (none here), from the navigation', async () => {
    await page.getByRole('link', { name: 'Notificações' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Notificações não entregues');
    await expect(page.getByText('Nenhuma notificação morta.').count()).resolves.toBe(1);
    await check('09-notificacoes');
  });

  it('logs out, after which the pages send back to the login form', async () => {
    await page.getByRole('button', { name: 'Sair' }).click();
    await expect(page.getByText('Sessão encerrada.').count()).resolves.toBe(1);
    await page.goto(`${t.hub.url}/monitor/`);
    expect(new URL(page.url()).pathname).toBe('/monitor/entrar');
  });
});
