import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * The README's "Face Tramita: os endpoints" stays true: its minimal package works against the demo
 * federation as printed, and its table names every route of the Tramita face the router serves.
 */
const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Face Tramita: os endpoints'), readme.indexOf('## Conectando um SEI existente'));

describe('README: the Tramita face endpoints and the minimal package', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('sends the minimal package as printed, with the 52 bytes it describes: situação 2, and the destination sees it pending', async () => {
    const body = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!);
    const bytes = new TextEncoder().encode(/`(<html>[^`]*)`/.exec(section)![1]!);
    expect(bytes.length).toBe(52);
    const municipio = t.client('sei-municipio');
    const started = await municipio.iniciarProcesso(body);
    expect(started.status, started.text).toBe(200);
    const up = await municipio.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { bytes, hash: body.processo.documentos[0].componentesDigitais[0].hash.conteudo, protocolo: body.processo.protocolo });
    expect(up.status, up.text).toBe(200);
    const idt = started.body.IDT as number;
    expect((await municipio.tramites({ IDT: idt })).body.tramites[0]!.situacaoAtual).toBe(2);
    expect((await t.client('sei-estado').pendentes()).body).toContainEqual({ IDT: idt, status: 2 });
  });

  it('lists every route of the Tramita face that the router serves', () => {
    const base = '/interoperabilidade/rest/v3';
    const routes = t.hub.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith(`${base}/`) && r.path !== `${base}/`);
    expect(routes.length).toBeGreaterThan(20);
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    // README paths: `{idt}` for `:idt`, `…/` for the ticket prefix, `[/partes/{ini}-{fim}]` for the optional part
    const said = rows.flatMap((row) => {
      const cell = /^\| `([^|]*)`/.exec(row)![1]!;
      return cell.split('`, `').map((x) => x.replace(/`/g, ''));
    });
    const normalise = (p: string) =>
      p.replace(/\{[a-z]+[^}]*\}|:[a-z]+(\{[^}]*\})?/gi, ':p').replace(/:p-:p/g, ':p').replace(/\?.*$/, '').replace(/\[([^\]]*)\]/g, '');
    const spoken = new Set(said.flatMap((s) => {
      const [method, path] = s.split(' ');
      const full = path!.replace(/^…\//, 'tickets-de-envio-de-componente/:p/protocolos/');
      const optional = /\[([^\]]*)\]/.exec(path!)?.[1];
      return [`${method} ${normalise(full)}`, ...(optional ? [`${method} ${normalise(full.replace(/\[|\]/g, ''))}`] : [])];
    }));
    const missing = routes.map((r) => `${r.method} ${normalise(r.path.slice(base.length + 1))}`).filter((r) => !spoken.has(r));
    expect(missing).toEqual([]);
  });
});
