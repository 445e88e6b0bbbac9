import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, type TramitaClient } from '../../src/client/tramita-client.ts';
import { bytesOf } from '../harness/packages.ts';
import { ESTADO, expect2xx, expectError, MUNICIPIO, startConformanceHub, type Ctx, type SystemId } from './support/context.ts';
import { uploadForm, V3, V4 } from './support/http.ts';
import {
  buildProcesso,
  downloadAll,
  driveTo,
  fetchMetadata,
  fetchReceipt,
  finishUpload,
  history,
  sendReceipt,
  signReceipt,
  situacao,
  start,
  upload,
  uploadPart,
  view,
  type Json,
} from './support/flow.ts';

/** Wire quirks of SEI's module and third-party clients (spec §1.3, §1.5, §2, §4.3, §9). */
describe('wire quirks (spec §1.3, §1.5)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  describe('paths (§1.3)', () => {
    it('treats a run of `/` as one: `…/rest/v3//healthcheck` and other doubled slashes', async () => {
      expect((await ctx.raw('anon').request('GET', `${V3}/healthcheck`)).status).toBe(200);
      expect((await ctx.raw(ESTADO).request('GET', `${V3}/tramites/pendentes?todas=1`)).status).toBe(200);
      const repos = await ctx.raw(ESTADO).request<unknown[]>('GET', `/interoperabilidade//rest/v3//repositorios-de-estruturas`);
      expect(repos.status).toBe(200);
      expect(repos.body).toHaveLength(4);
    });

    it('accepts a trailing `/` on any path (`tramites/?IDT=…`)', async () => {
      const tr = await driveTo(ctx, 2);
      const q = await ctx.raw(ESTADO).request<Json>('GET', `${V3}tramites/?IDT=${tr.idt}`);
      expect(q.status, q.text).toBe(200);
      expect(q.body.tramites.map((t: Json) => t.IDT)).toEqual([tr.idt]);
      expect((await ctx.raw(ESTADO).request('GET', `${V3}repositorios-de-estruturas/`)).status).toBe(200);
      expect((await ctx.raw(ESTADO).request('GET', `${V3}tramites/${tr.idt}/recibo-de-envio/`)).status).toBe(200);
      expect((await ctx.raw(ESTADO).request('GET', `${V3}especies/`)).status).toBe(200);
    });

    it('keeps path literals case-sensitive (`motivosUrgencia`, not `motivosurgencia`) and answers an unknown path with a JSON 404', async () => {
      expect((await ctx.raw(ESTADO).request('GET', `${V3}motivosUrgencia`)).status).toBe(200);
      expectError(await ctx.raw(ESTADO).request('GET', `${V3}motivosurgencia`), 404);
    });

    it('serves the whole flow under `/rest/v4/` with the same behaviour, interoperating with v3 calls', async () => {
      const v4: Record<SystemId, TramitaClient> = {
        [ESTADO]: createTramitaClient({ hubUrl: ctx.t.hub.url, credentials: ctx.t.creds[ESTADO]!, base: V4 }),
        [MUNICIPIO]: createTramitaClient({ hubUrl: ctx.t.hub.url, credentials: ctx.t.creds[MUNICIPIO]!, base: V4 }),
      };
      try {
        const c4: Ctx = { ...ctx, estado: v4[ESTADO], municipio: v4[MUNICIPIO], client: (s) => v4[s] };
        const tr = await start(c4);
        await upload(c4, tr);
        expect((await v4[MUNICIPIO].pendentes()).body).toContainEqual({ IDT: tr.idt, status: 2 });
        await fetchMetadata(c4, tr);
        await downloadAll(c4, tr);
        await sendReceipt(c4, tr);
        await fetchReceipt(c4, tr);
        expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5, 6]); // read through v3
        expect((await v4[ESTADO].reciboDeEnvio(tr.idt)).status).toBe(200);
        expect((await v4[ESTADO].repositorios(true)).body).toEqual((await ctx.estado.repositorios(true)).body);
        // Ranged upload, cancel, refusal and ciência on v4 too.
        const r = await start(c4, { documentos: [{ bytes: [bytesOf(1000, ctx.seed())] }] });
        const h = r.requested[0]!;
        expect2xx(await uploadPart(ctx.raw(ESTADO), { ticket: r.ticket, ini: 0, fim: 1000, bytes: r.bytes.get(h)!, hash: h, protocolo: r.protocolo, base: V4 }));
        expect2xx(await finishUpload(ctx.raw(ESTADO), { ticket: r.ticket, hash: h, protocolo: r.protocolo, base: V4 }));
        await fetchMetadata(c4, r);
        expect2xx(await ctx.raw(MUNICIPIO).request('POST', `${V4}tramites/${r.idt}/recusa`, { body: JSON.stringify({ motivo: '99', justificativa: 'v4' }) }));
        expect2xx(await ctx.raw(ESTADO).request('GET', `${V4}tramites/${r.idt}/ciencia`));
        expect(await history(ctx, r)).toEqual([1, 2, 3, 8, 9]);
        const d = await start(c4);
        expect2xx(await ctx.raw(ESTADO).request('DELETE', `${V4}tramites/${d.idt}`));
        expect(await situacao(ctx, d)).toBe(7);
      } finally {
        await Promise.all(Object.values(v4).map((c) => c.close()));
      }
    });
  });

  describe('bodies and headers (§1.5.1, §1.5.3, §1.5.4)', () => {
    it('accepts `Content-Type: application/json` with an empty body on GET and DELETE', async () => {
      const tr = await start(ctx);
      const headers = { accept: '*/*', 'content-type': 'application/json', 'content-length': '0' };
      const get = await ctx.raw(ESTADO).exact('GET', `${V3}tramites?IDT=${tr.idt}`, headers, '');
      expect(get.status, get.text).toBe(200);
      const pend = await ctx.raw(MUNICIPIO).exact('GET', `${V3}tramites/pendentes?todas=1`, headers, '');
      expect(pend.status, pend.text).toBe(200);
      const del = await ctx.raw(ESTADO).exact('DELETE', `${V3}tramites/${tr.idt}`, headers, '');
      expect(del.status, del.text).toBeGreaterThanOrEqual(200);
      expect(del.status, del.text).toBeLessThan(300);
      expect(await situacao(ctx, tr)).toBe(7);
      const refused = await driveTo(ctx, 8);
      const ciencia = await ctx.raw(ESTADO).exact('GET', `${V3}tramites/${refused.idt}/ciencia`, headers, '');
      expect(ciencia.status, ciencia.text).toBeGreaterThanOrEqual(200);
      expect(ciencia.status, ciencia.text).toBeLessThan(300);
    });

    it('answers JSON with `Content-Type: application/json; charset=utf-8`', async () => {
      const tr = await driveTo(ctx, 2);
      for (const [system, path] of [
        [ESTADO, 'repositorios-de-estruturas'],
        [ESTADO, 'repositorios-de-estruturas/100/estruturas-organizacionais'],
        [ESTADO, 'repositorios-de-estruturas/100/estruturas-organizacionais/1002'],
        [ESTADO, 'especies'],
        [ESTADO, 'hipoteses'],
        [ESTADO, 'motivosUrgencia'],
        [ESTADO, 'tramites/pendentes?todas=1'],
        [ESTADO, `tramites?IDT=${tr.idt}`],
        [ESTADO, `tramites/${tr.idt}/recibo-de-envio`],
        [MUNICIPIO, `tramites/${tr.idt}`],
      ] as const) {
        const r = await ctx.raw(system).request('GET', `${V3}${path}`);
        expect(r.status, `${path}: ${r.text}`).toBe(200);
        expect(r.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      }
    });

    it('ignores unknown JSON fields in every request body (SEI leaks idProcedimentoSEI, idDocumentoSEI, idAnexo, staTipoProtocolo…)', async () => {
      const tr = await start(ctx, {
        edit: (b) => {
          b.idProcedimentoSEI = 1;
          b.cabecalho.idProcedimentoAnexadoSEI = 2;
          b.processo.documentos[0].idAnexo = 3;
          b.processo.documentos[0].componentesDigitais[0].idAnexo = 4;
          b.processo.documentos[0].staTipoProtocolo = 'D';
        },
      });
      const hash = tr.requested[0]!;
      const bytes = tr.bytes.get(hash)!;
      expect2xx(await uploadPart(ctx.raw(ESTADO), { ticket: tr.ticket, ini: 0, fim: bytes.length, bytes, hash, protocolo: tr.protocolo }));
      expect2xx(
        await ctx.raw(ESTADO).request('POST', `${V3}tickets-de-envio-de-componente/${tr.ticket}/protocolos/componentes-a-enviar/partes/sinalizacao-termino-envio`, {
          body: JSON.stringify({ hashDoComponenteDigital: hash, protocolo: tr.protocolo, idDocumentoSEI: 5, idAnexo: 6 }),
        }),
      );
      await fetchMetadata(ctx, tr);
      const dl = await ctx.municipio.call<string>('POST', `tramites/${tr.idt}/protocolos/componentes-digitais/partes/0-${bytes.length}`, {
        json: { hashDoComponenteDigital: hash, protocolo: tr.protocolo, idDocumentoSEI: 7 },
      });
      expect(dl.status, dl.text).toBe(200);
      const s = await signReceipt(ctx, tr);
      expect2xx(
        await ctx.municipio.call('POST', `tramites/${tr.idt}/recibo`, {
          json: { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura, idProcedimentoSEI: 8 },
        }),
      );
      expect(await situacao(ctx, tr)).toBe(5);
      const refused = await driveTo(ctx, 3);
      expect2xx(await ctx.municipio.call('POST', `tramites/${refused.idt}/recusa`, { json: { motivo: '99', justificativa: 'x', idProcedimentoSEI: 9 } }));
      expect(await situacao(ctx, refused)).toBe(8);
    });

    it('accepts date-times with a numeric offset, with `Z`, and with fractions', async () => {
      for (const when of ['2026-03-10T14:22:05-03:00', '2026-03-10T17:22:05Z', '2026-03-10T17:22:05.123Z', '2026-03-10T14:22:05.5-03:00']) {
        const p = buildProcesso(ctx, {
          edit: (b) => {
            b.processo.dataHoraDeProducao = when;
            b.processo.documentos[0].dataHoraDeProducao = when;
          },
        });
        const r = await ctx.estado.iniciarProcesso(p.body);
        expect(r.status, `${when}: ${r.text}`).toBe(200);
      }
    });
  });

  describe('query strings (§1.5.2, §1.5.5)', () => {
    it('accepts booleans as 1/0 and true/false', async () => {
      const tr = await driveTo(ctx, 2);
      for (const v of ['1', 'true']) {
        const r = await ctx.raw(MUNICIPIO).request<{ IDT: number }[]>('GET', `${V3}tramites/pendentes?todas=${v}`);
        expect(r.status).toBe(200);
        expect(r.body.some((p) => p.IDT === tr.idt)).toBe(true);
      }
      for (const v of ['0', 'false']) expect((await ctx.raw(MUNICIPIO).request('GET', `${V3}tramites/pendentes?todas=${v}`)).status).toBe(200);
      const search = (q: string) => ctx.raw(ESTADO).request<{ totalDeRegistros: number }>('GET', `${V3}repositorios-de-estruturas/100/estruturas-organizacionais?${q}`);
      expect((await search('apenasAtivas=1')).body.totalDeRegistros).toBe(4);
      expect((await search('apenasAtivas=true')).body.totalDeRegistros).toBe(4);
      expect((await search('apenasAtivas=0')).body.totalDeRegistros).toBe(5);
      expect((await search('apenasAtivas=false')).body.totalDeRegistros).toBe(5);
      const hip = (q: string) => ctx.raw(ESTADO).request<{ hipotesesLegais: { status: boolean }[] }>('GET', `${V3}hipoteses?${q}`);
      expect((await hip('ativos=1')).body).toEqual((await hip('ativos=true')).body);
      expect((await hip('ativos=0')).body).toEqual((await hip('ativos=false')).body);
    });

    it('accepts bracket parameters raw and percent-encoded, with the same result', async () => {
      const tr = await start(ctx, { remetente: [100, '1003'], destinatario: [200, '2001'] });
      const raw =
        `remetente[identificacaoDoRepositorioDeEstruturas]=100&remetente[numeroDeIdentificacaoDaEstrutura]=1003` +
        `&destinatario[identificacaoDoRepositorioDeEstruturas]=200&destinatario[numeroDeIdentificacaoDaEstrutura]=2001`;
      const encoded = raw.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
      const lower = raw.replace(/\[/g, '%5b').replace(/\]/g, '%5d');
      const results = [];
      for (const q of [raw, encoded, lower]) {
        const r = await ctx.raw(ESTADO).request<{ tramites: Json[] }>('GET', `${V3}tramites?${q}`);
        expect(r.status, r.text).toBe(200);
        results.push(r.body.tramites.map((t) => t.IDT));
      }
      expect(results[0]).toContain(tr.idt);
      expect(results[0]!.every((idt) => idt !== undefined)).toBe(true);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      // The filter does restrict: another destination excludes this trâmite.
      const other = await ctx.raw(ESTADO).request<{ tramites: Json[] }>('GET', `${V3}tramites?destinatario[numeroDeIdentificacaoDaEstrutura]=2002&remetente[numeroDeIdentificacaoDaEstrutura]=1003`);
      expect(other.body.tramites.map((t) => t.IDT)).not.toContain(tr.idt);
    });

    it('ignores a redundant IDT query parameter on paths that contain the IDT: the path wins', async () => {
      const tr = await driveTo(ctx, 2);
      const foreign = await start(ctx, { remetente: [100, '1002'], destinatario: [100, '1003'] });
      const m = await ctx.raw(MUNICIPIO).request<Json>('GET', `${V3}tramites/${tr.idt}?IDT=${foreign.idt}`);
      expect(m.status, m.text).toBe(200);
      expect(m.body.IDT).toBe(tr.idt);
      expect(await situacao(ctx, tr)).toBe(3);
      expect(await situacao(ctx, foreign)).toBe(1);
      const rec = await ctx.raw(ESTADO).request<Json>('GET', `${V3}tramites/${tr.idt}/recibo-de-envio?IDT=${foreign.idt}`);
      expect(rec.status, rec.text).toBe(200);
      expect(rec.body.reciboDeEnvio.IDT).toBe(tr.idt);
      const refusal = await ctx.raw(MUNICIPIO).request('POST', `${V3}tramites/${tr.idt}/recusa?IDT=${foreign.idt}`, { body: JSON.stringify({ motivo: '99', justificativa: 'x' }) });
      expect2xx(refusal);
      expect(await situacao(ctx, tr)).toBe(8);
    });

    it('ignores a non-numeric subtree root and a redundant repository in structure searches', async () => {
      const r = await ctx.raw(ESTADO).request<{ totalDeRegistros: number }>(
        'GET',
        `${V3}repositorios-de-estruturas/200/estruturas-organizacionais?numeroDeIdentificacaoDaEstruturaRaizDaConsulta=${encodeURIComponent('Setor de Protocolo')}&identificacaoDoRepositorioDeEstruturas=100`,
      );
      expect(r.status, r.text).toBe(200);
      expect(r.body.totalDeRegistros).toBe(5);
    });
  });

  describe('cabecalho values (§2.8, §4.3)', () => {
    it('accepts motivoDaUrgencia as the boolean true or as a code', async () => {
      for (const motivo of [true, 1, 2]) {
        const p = buildProcesso(ctx, {
          edit: (b) => {
            b.cabecalho.urgencia = true;
            b.cabecalho.motivoDaUrgencia = motivo;
          },
        });
        const r = await ctx.estado.iniciarProcesso(p.body);
        expect(r.status, `${motivo}: ${r.text}`).toBe(200);
      }
    });

    it('accepts structure ids as integers or digit strings, and answers them as digit strings', async () => {
      const p = buildProcesso(ctx, {
        edit: (b) => {
          b.cabecalho.remetente.numeroDeIdentificacaoDaEstrutura = 1002;
          b.cabecalho.destinatario.numeroDeIdentificacaoDaEstrutura = '2002';
        },
      });
      const r = await ctx.estado.iniciarProcesso(p.body);
      expect(r.status, r.text).toBe(200);
      const v = await view(ctx, { idt: r.body.IDT as number, sender: ESTADO });
      expect(v.remetente.numeroDeIdentificacaoDaEstrutura).toBe('1002');
      expect(v.destinatario.numeroDeIdentificacaoDaEstrutura).toBe('2002');
      const q = await ctx.estado.tramites({ IDT: r.body.IDT as number, 'remetente[numeroDeIdentificacaoDaEstrutura]': 1002 });
      expect(q.body.tramites).toHaveLength(1);
    });

    it('accepts propriedadesAdicionais with numeric valor and relays it unchanged', async () => {
      const props = [
        { chave: 'MODULO_PEN_VERSAO', valor: '4.0.3' },
        { chave: 'CLASSIFICACAO_Descricao_1', valor: 'NA' },
        { chave: 'CLASSIFICACAO_PrazoCorrente_1', valor: 5 },
        { chave: 'CLASSIFICACAO_PrazoIntermediario_1', valor: 10 },
        { chave: 'CLASSIFICACAO_Destinacao_1', valor: 'Guarda Permanente' },
      ];
      const tr = await start(ctx, { edit: (b) => (b.cabecalho.propriedadesAdicionais = props) });
      await upload(ctx, tr);
      expect((await fetchMetadata(ctx, tr)).propriedadesAdicionais).toEqual(props);
    });

    it('accepts the whole upload as SEI labels it (`conteudo.html`, text/html) whatever the real type', async () => {
      const tr = await start(ctx, { documentos: [{ bytes: [bytesOf(333, ctx.seed())], mimeType: 'application/pdf' }] });
      const h = tr.requested[0]!;
      const r = await ctx.raw(ESTADO).request('PUT', `${V3}tickets-de-envio-de-componente/${tr.ticket}/protocolos/componentes-a-enviar`, {
        body: uploadForm({ bytes: tr.bytes.get(h)!, hash: h, protocolo: tr.protocolo, fileName: 'conteudo.html' }),
      });
      expect2xx(r);
      expect(await situacao(ctx, tr)).toBe(2);
    });
  });
});
