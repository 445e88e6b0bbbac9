import { signCompletionReceipt, type TramitaClient } from '../../src/client/tramita-client.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { processoBody } from './packages.ts';

/**
 * Drives a trâmite from start to 6 as two SEIs would: uploads what is requested, the receiver
 * fetches metadata, downloads what is pending and signs the completion receipt.
 */
export async function completeTramite(
  sender: TramitaClient,
  receiver: TramitaClient,
  receiverKeyPem: string,
  body: { processo: { protocolo: string } },
  components: { bytes: Uint8Array; hash: string }[],
): Promise<{ idt: number; nre: string }> {
  const started = await sender.iniciarProcesso(body);
  if (started.status !== 200) throw new Error(`start: ${started.text}`);
  const idt = started.body.IDT as number;
  const nre = started.body.NRE as string;
  const requested = new Set((started.body.processosComComponentesDigitaisSolicitados as { hashes: string[] }[]).flatMap((e) => e.hashes));
  for (const c of components)
    if (requested.has(c.hash)) {
      const up = await sender.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...c, protocolo: body.processo.protocolo });
      if (up.status !== 200) throw new Error(`upload: ${up.text}`);
    }
  await receiver.metadados(idt);
  const pending = (await receiver.tramites({ IDT: idt })).body.tramites[0]!.hashDosComponentesPendentesDeRecebimento as string[];
  for (const h of new Set(pending)) {
    const c = components.find((x) => x.hash === h)!;
    const d = await receiver.baixarParte(idt, h, body.processo.protocolo, 0, c.bytes.length);
    if (d.status !== 200) throw new Error(`download: ${d.text}`);
  }
  const view = (await receiver.tramites({ IDT: idt })).body.tramites[0]!;
  const at4 = (view.mudancasDeSituacao as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4)!.dataHora;
  const dataDeRecebimento = receiptDate(new Date(at4));
  const hashDaAssinatura = await signCompletionReceipt(receiverKeyPem, { idt, nre, dataDeRecebimento, hashes: pending });
  const posted = await receiver.enviarRecibo(idt, { dataDeRecebimento, hashDaAssinatura });
  if (posted.status !== 200) throw new Error(`receipt: ${posted.text}`);
  const got = await sender.recibo(idt);
  if (got.status !== 200) throw new Error(`fetch receipt: ${got.text}`);
  return { idt, nre };
}

/**
 * Starts a trâmite of one document from the estado's unit to the município's (the demo
 * federation) and uploads its component: the receiver's pendência 2. Returns its IDT.
 */
export async function releaseToMunicipio(sender: TramitaClient, protocolo: string, bytes: Uint8Array): Promise<number> {
  const p = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytes] }] });
  const started = await sender.iniciarProcesso(p.body);
  if (started.status !== 200) throw new Error(`start: ${started.text}`);
  for (const c of p.components) {
    const up = await sender.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...c, protocolo });
    if (up.status !== 200) throw new Error(`upload: ${up.text}`);
  }
  return started.body.IDT as number;
}
