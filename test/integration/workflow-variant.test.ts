import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW, type TransitionRule, type Workflow, type WorkflowEvent } from '../../src/domain/situacao.ts';
import { refusedWithoutChange, startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import { cancel, downloadAll, driveTo, fetchMetadata, fetchReceipt, history, refuse, sendReceipt, situacao, start, upload } from '../conformance/support/flow.ts';

/** The protocol's table with some rules replaced (`null` removes the rule: that move is forbidden). */
function variant(changes: Partial<Record<WorkflowEvent, Partial<TransitionRule> | null>>): Workflow {
  const transitions = WORKFLOW.transitions.flatMap((t) => {
    const change = changes[t.on];
    if (change === null) return [];
    return [{ ...t, ...change }];
  });
  return { ...WORKFLOW, transitions };
}

/**
 * ARCHITECTURE "The workflow is the domain's": the store executes whatever table the services
 * are given. Each hub here runs a modified table through the real HTTPS faces and the SQLite
 * store, and the difference is observed in what the store recorded (`mudancasDeSituacao`) and
 * in what the faces accept.
 */
describe('the store follows the workflow table the services are given', () => {
  describe('a table in which the receiver’s metadata fetch goes straight from 2 to 4 (skips 3)', () => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await startConformanceHub({ workflow: variant({ metadados_recebidos: { to: 4 }, componentes_entregues: null }) });
    });
    afterAll(async () => ctx?.close());

    it('records 1, 2, 4, 5, 6 and never 3, and the rest of the flow still completes', async () => {
      const tr = await start(ctx);
      await upload(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2]);
      await fetchMetadata(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2, 4]);
      await downloadAll(ctx, tr);
      expect(await situacao(ctx, tr)).toBe(4);
      await sendReceipt(ctx, tr);
      await fetchReceipt(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2, 4, 5, 6]);
    });
  });

  describe('a table without the hub’s move 3 → 4 (forbids a step)', () => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await startConformanceHub({ workflow: variant({ componentes_entregues: null }) });
    });
    afterAll(async () => ctx?.close());

    it('keeps a fully downloaded trâmite in 3, refuses its receipt and keeps the store as it was', async () => {
      const tr = await start(ctx);
      await upload(ctx, tr);
      await fetchMetadata(ctx, tr);
      await downloadAll(ctx, tr);
      await fetchMetadata(ctx, tr); // the call that heals a 3 with nothing pending under the protocol's table
      expect(await history(ctx, tr)).toEqual([1, 2, 3]);
      await refusedWithoutChange(
        ctx,
        () => ctx.client(tr.receiver).enviarRecibo(tr.idt, { dataDeRecebimento: '2026-01-01T00:00:00.000Z', hashDaAssinatura: 'AAAA' }),
        409,
        '9004',
      );
      expect((await cancel(ctx, tr)).status).toBe(200);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 7]);
    });
  });

  describe('a table in which the receiver may refuse only in 3', () => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await startConformanceHub({ workflow: variant({ recusa: { from: [3] } }) });
    });
    afterAll(async () => ctx?.close());

    it('refuses a refusal in 4 naming the situações the table allows, and changes nothing', async () => {
      const tr = await driveTo(ctx, 4);
      const mensagem = await refusedWithoutChange(ctx, () => refuse(ctx, tr), 409, '9004');
      expect(mensagem).toContain('A recusa só é aceita na situação 3.');
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
    });

    it('still refuses in 3', async () => {
      const tr = await driveTo(ctx, 3);
      expect((await refuse(ctx, tr)).status).toBe(200);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 8]);
    });
  });

  describe('a table in which the receiver reads the metadata only in 2 to 4 and has nothing pending in 2', () => {
    let ctx: Ctx;
    let agent: Agent;
    beforeAll(async () => {
      ctx = await startConformanceHub({
        workflow: { ...WORKFLOW, readableByReceiver: [2, 3, 4], pendencias: { ...WORKFLOW.pendencias, receiver: [3, 4] } },
      });
      agent = new Agent({ connect: { ca: ctx.t.caPem } });
    });
    afterAll(async () => {
      await agent?.close();
      await ctx?.close();
    });

    it('refuses the receiver’s metadata fetch in 1 naming the situações the table serves it in, and changes nothing', async () => {
      const tr = await start(ctx);
      const mensagem = await refusedWithoutChange(ctx, () => ctx.client(tr.receiver).metadados(tr.idt), 409, '9004');
      expect(mensagem).toContain('O destinatário só recebe os metadados nas situações 2 a 4, depois que o remetente enviar todos os componentes digitais.');
      expect(await history(ctx, tr)).toEqual([1]);
    });

    it('tells operators who must act next by this table: nobody in 2, where the protocol’s table names the receiver', async () => {
      const tr = await start(ctx);
      await upload(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2]);
      const token = readFileSync(ctx.t.paths.adminToken, 'utf8').trim();
      const res = await fetch(`${ctx.t.hub.url}/admin/api/tramites/${tr.idt}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { quemDeveAgir: unknown }).quemDeveAgir).toBeNull();
    });
  });

  describe('the protocol’s table (control)', () => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await startConformanceHub();
    });
    afterAll(async () => ctx?.close());

    it('records 1, 2, 3, 4 for the same steps and accepts a refusal in 4', async () => {
      const tr = await start(ctx);
      await upload(ctx, tr);
      await fetchMetadata(ctx, tr);
      await downloadAll(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
      expect((await refuse(ctx, tr)).status).toBe(200);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 8]);
    });
  });
});
