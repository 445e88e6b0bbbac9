import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * README "Vindo do Tramita.GOV.BR": with ELO_IDT_FLOOR above the IDTs a SEI already holds from
 * the bus, the hub's IDTs start there and keep growing, so a new IDT never collides.
 */
describe('IDT floor for an installation coming from the federal bus', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_IDT_FLOOR: '7000000000' } });
  });
  afterAll(async () => t?.close());

  it('allocates the first IDT at the floor and the next ones above it', async () => {
    const estado = t.client('sei-estado');
    const idts: number[] = [];
    for (const n of [1, 2]) {
      const r = await estado.iniciarProcesso(processoBody({ protocolo: `PISO-${n}/2026`, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([n])] }] }).body);
      expect(r.status, r.text).toBe(200);
      idts.push(r.body.IDT as number);
    }
    expect(idts).toEqual([7_000_000_000, 7_000_000_001]);
  });
});
