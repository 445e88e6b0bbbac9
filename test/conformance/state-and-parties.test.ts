import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/client/tramita-client.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { sha256b64 } from '../harness/packages.ts';
import { ESTADO, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx, type SystemId } from './support/context.ts';
import { V3 } from './support/http.ts';
import { driveTo, finishUpload, uploadPart, type Target, type Tramite } from './support/flow.ts';
import { completionString, signRsaSha256 } from './support/receipts.ts';

/**
 * Every operation on a trâmite, called by the right party in a situação where it is not allowed
 * (409, `9004`), by the wrong party (403, `9002`), by no party or on something unknown (404, `9003`) — each
 * refusal leaving the store exactly as it was (spec §2, §5.2 "Any other transition request MUST
 * fail with 409, state unchanged", §8.5).
 */
describe('situação conflicts, wrong parties and unknown resources (spec §2, §5.2, §8.5)', () => {
  let ctx: Ctx;
  const at = new Map<Target, Tramite>();
  beforeAll(async () => {
    ctx = await startConformanceHub();
    for (const s of [1, 2, 3, 4, 5, 6, 7, 8, 9] as const) at.set(s, await driveTo(ctx, s));
  });
  afterAll(async () => ctx?.close());

  type Op = (tr: Tramite, as?: SystemId) => Promise<Answer<unknown>>;
  const first = (tr: Tramite) => {
    const h = tr.requested[0]!;
    return { h, bytes: tr.bytes.get(h)! };
  };

  /**
   * A receipt whose signature is valid whatever the situação, so that only the situação can make
   * the hub refuse it: in 4 dated with the situação-4 time (spec §7.1, §7.2), elsewhere with
   * another date, so that it is never an identical repeat of the receipt posted in 5 or 6.
   */
  const validReceipt = async (tr: Tramite) => {
    const listed = (await ctx.client(tr.receiver).tramites({ IDT: tr.idt })).body.tramites[0];
    const hashes = (listed?.hashDosComponentesPendentesDeRecebimento ?? tr.requested) as string[];
    const at4 = (listed?.mudancasDeSituacao as { situacao: number; dataHora: string }[] | undefined)?.find((m) => m.situacao === 4)?.dataHora;
    const dataDeRecebimento = at4 && listed?.situacaoAtual === 4 ? receiptDate(new Date(at4)) : '2026-01-02T03:04:05.000Z';
    return { dataDeRecebimento, hashDaAssinatura: signRsaSha256(ctx.t.creds[tr.receiver]!.key, completionString({ idt: tr.idt, nre: tr.nre, dataDeRecebimento, hashes })) };
  };

  const ops: Record<string, { op: Op; party: 'sender' | 'receiver'; allowed: Target[] }> = {
    'PUT componentes-a-enviar (§2.10)': {
      party: 'sender',
      allowed: [1],
      op: (tr, as = tr.sender) => ctx.client(as).enviarComponente(tr.ticket, { bytes: first(tr).bytes, hash: first(tr).h, protocolo: tr.protocolo }),
    },
    'PUT …/partes/{ini}-{fim} (§2.11)': {
      party: 'sender',
      allowed: [1],
      op: (tr, as = tr.sender) => uploadPart(ctx.raw(as), { ticket: tr.ticket, ini: 0, fim: first(tr).bytes.length, bytes: first(tr).bytes, hash: first(tr).h, protocolo: tr.protocolo }),
    },
    'POST …/partes/sinalizacao-termino-envio (§2.12)': {
      party: 'sender',
      allowed: [1],
      op: (tr, as = tr.sender) => finishUpload(ctx.raw(as), { ticket: tr.ticket, hash: first(tr).h, protocolo: tr.protocolo }),
    },
    'GET recibo-de-envio (§2.13)': {
      party: 'sender',
      // 7 here was cancelled in 1: it never reached 2, so it has no send receipt.
      allowed: [2, 3, 4, 5, 6, 8, 9],
      op: (tr, as = tr.sender) => ctx.client(as).reciboDeEnvio(tr.idt),
    },
    'GET tramites/{idt} (§2.16)': {
      party: 'receiver',
      // in 1 only the sender reads it (docs/ameacas.md: the package may still be cancelled)
      allowed: [2, 3, 4, 5, 6, 8, 9],
      op: (tr, as = tr.receiver) => ctx.client(as).metadados(tr.idt),
    },
    'POST …/componentes-digitais/partes/{ini}-{fim} (§2.19)': {
      party: 'receiver',
      allowed: [3, 4],
      op: (tr, as = tr.receiver) => ctx.client(as).baixarParte(tr.idt, first(tr).h, tr.protocolo, 0, first(tr).bytes.length),
    },
    'POST tramites/{idt}/recibo (§2.20)': {
      party: 'receiver',
      // 5 and 6 accept an identical repeat only; this receipt differs from the one posted.
      allowed: [4],
      op: async (tr, as = tr.receiver) => ctx.client(as).enviarRecibo(tr.idt, await validReceipt(tr)),
    },
    'GET tramites/{idt}/recibo (§2.21)': {
      party: 'sender',
      allowed: [5, 6],
      op: (tr, as = tr.sender) => ctx.client(as).recibo(tr.idt),
    },
    'POST tramites/{idt}/recusa (§2.22)': {
      party: 'receiver',
      // a second recusa in 8 MAY answer 409 or 2xx (spec §2.22)
      allowed: [3, 4, 8],
      op: (tr, as = tr.receiver) => ctx.client(as).call('POST', `tramites/${tr.idt}/recusa`, { json: { motivo: '99', justificativa: 'teste' } }),
    },
    'GET tramites/{idt}/ciencia (§2.23)': {
      party: 'sender',
      allowed: [8, 9],
      op: (tr, as = tr.sender) => ctx.client(as).call('GET', `tramites/${tr.idt}/ciencia`),
    },
    'DELETE tramites/{idt} (§2.24)': {
      party: 'sender',
      allowed: [1, 2, 3, 4, 7],
      op: (tr, as = tr.sender) => ctx.client(as).call('DELETE', `tramites/${tr.idt}`),
    },
  };

  for (const [name, { op, allowed }] of Object.entries(ops)) {
    const refusedIn = ([1, 2, 3, 4, 5, 6, 7, 8, 9] as Target[]).filter((s) => !allowed.includes(s));
    it(`${name}: answers 409 (9004) in situações ${refusedIn.join(', ')}, changing nothing`, async () => {
      for (const s of refusedIn) {
        await refusedWithoutChange(ctx, () => op(at.get(s)!), 409, '9004').catch((e: unknown) => {
          throw new Error(`situação ${s}: ${String(e)}`);
        });
      }
    });
  }

  it('answers 403 (9002) to the receiver calling sender operations and to the sender calling receiver operations, changing nothing', async () => {
    const wrong = (tr: Tramite, party: 'sender' | 'receiver'): SystemId => (party === 'sender' ? tr.receiver : tr.sender);
    for (const [name, { op, party, allowed }] of Object.entries(ops)) {
      // the sender may read the metadata (replays, spec §2.16)
      if (name.startsWith('GET tramites/{idt} ')) continue;
      const s = allowed.find((x) => x !== 7 && x !== 8 && x !== 9) ?? allowed[0]!;
      const tr = at.get(s)!;
      const msg = await refusedWithoutChange(ctx, () => op(tr, wrong(tr, party)), 403, '9002');
      expect(msg, name).toBeTruthy();
    }
  });

  it('answers 404 (9003), as for an unknown IDT or ticket, to a system that is no party of the trâmite, for every operation, changing nothing', async () => {
    const internal = new Map<Target, Tramite>();
    for (const s of [1, 2, 3, 4, 5, 8] as const) internal.set(s, await driveTo(ctx, s, { remetente: [100, '1002'], destinatario: [100, '1003'] }));
    for (const [name, { op, allowed }] of Object.entries(ops)) {
      const s = allowed.find((x) => internal.has(x))!;
      // docs/ameacas.md departs from §8.5's 9002 here: "not yours" must not tell an existing IDT from a missing one
      await refusedWithoutChange(ctx, () => op(internal.get(s)!, MUNICIPIO), 404, '9003').catch((e: unknown) => {
        throw new Error(`${name} in ${s}: ${String(e)}`);
      });
    }
    expect((await ctx.municipio.tramites({ IDT: internal.get(1)!.idt })).body.tramites).toEqual([]);
  });

  it('answers 404 (9003) for an unknown IDT on every IDT path, changing nothing', async () => {
    const ghost: Tramite = { ...at.get(4)!, idt: 987_654_321_012 };
    for (const [name, { op }] of Object.entries(ops)) {
      if (name.startsWith('PUT') || name.includes('sinalizacao')) continue;
      await refusedWithoutChange(ctx, () => op(ghost), 404, '9003').catch((e: unknown) => {
        throw new Error(`${name}: ${String(e)}`);
      });
    }
  });

  it('answers 404 (9003) for an unknown ticket on the three upload paths, changing nothing', async () => {
    const ghost: Tramite = { ...at.get(1)!, ticket: '9999999999' };
    for (const name of ['PUT componentes-a-enviar (§2.10)', 'PUT …/partes/{ini}-{fim} (§2.11)', 'POST …/partes/sinalizacao-termino-envio (§2.12)'])
      await refusedWithoutChange(ctx, () => ops[name]!.op(ghost), 404, '9003');
  });

  it('answers 404 (9003) for a hash not in the trâmite on downloads, changing nothing', async () => {
    const tr = at.get(3)!;
    const unknown = sha256b64(new TextEncoder().encode('nunca enviado'));
    await refusedWithoutChange(ctx, () => ctx.municipio.baixarParte(tr.idt, unknown, tr.protocolo, 0, 1), 404, '9003');
    await refusedWithoutChange(
      ctx,
      () => ctx.municipio.call('POST', `tramites/${tr.idt}/protocolos/componentes-digitais`, { json: { hashDoComponenteDigital: unknown, protocolo: tr.protocolo } }),
      404,
      '9003',
    );
  });

  it('refuses non-numeric IDTs in paths without touching anything', async () => {
    for (const path of ['tramites/abc/recibo', 'tramites/abc/ciencia']) {
      const r = await ctx.raw(ESTADO).request('GET', `${V3}${path}`);
      expect([400, 404], path).toContain(r.status);
    }
  });
});
