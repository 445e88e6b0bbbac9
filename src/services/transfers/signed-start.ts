import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import { X509Certificate } from '../../pki/x509.ts';
import { readSignedPackage } from '../../xml/signed-package.ts';
import type { ServiceDeps } from '../deps.ts';
import { loadTramite, requireParty } from './guards.ts';
import type { StartedTramite, startService } from './start.ts';

export type SignedStart =
  | ({ tipo: 'processo' } & StartedTramite)
  | { tipo: 'documento'; tramite: TramiteRecord; ticket: string; solicitados: string[] };

/**
 * The native face's start with a package signed by the sending system (issue 11 item 3; README
 * "Pacotes assinados na face nativa") and the read of that package back. The start is the Tramita
 * face's own (`start.startProcesso` / `startDocumento`: code lists, sender and recipient checks,
 * one open trâmite per NRE, quotas), fed with the package mapped to the Tramita body, while the
 * metadata kept is the signed XML exactly as received (ARCHITECTURE "Byte stability").
 */
export function signedStartService(deps: ServiceDeps, start: ReturnType<typeof startService>) {
  const { tramites } = deps.store;
  return {
    /**
     * `body`: the package XML exactly as received. The signature must verify with the
     * certificate the caller presented over mTLS (the one identity resolved): a package signed by
     * another system is refused even when that system's certificate is valid in the federation.
     */
    async start(input: { caller: Caller; body: Uint8Array }): Promise<SignedStart> {
      const certificate = new X509Certificate(input.caller.certificate.pem);
      const read = await readSignedPackage(input.body, certificate);
      if (!read.ok) throw read.error;
      const stored = { bytes: input.body, format: 'xml-assinado' as const };
      if (read.value.pacote.cabecalho.tipo === 'processo') {
        return { tipo: 'processo', ...(await start.startProcesso({ caller: input.caller, rawBody: read.value.startBody, stored })) };
      }
      const d = await start.startDocumento({ caller: input.caller, rawBody: read.value.startBody, stored });
      return { tipo: 'documento', tramite: d.tramites[0]!, ticket: d.ticket, solicitados: d.solicitados };
    },

    /**
     * The sender's signed package, byte for byte, for the sender or the recipient system only
     * (anyone else gets the 404 of a missing IDT, guards.ts), so the recipient can check the
     * sender's signature itself.
     */
    async signedPackage(caller: Caller, idt: number): Promise<Uint8Array> {
      const t = await loadTramite(tramites, idt);
      requireParty(caller, t, ['sender', 'receiver']);
      if (t.metadataFormat !== 'xml-assinado') {
        throw new EloError(
          'signed_package_absent',
          `O trâmite ${idt} foi iniciado na face Tramita (JSON) e não tem pacote assinado pelo remetente. Leia os metadados em GET tramites/${idt}.`,
          { idt },
        );
      }
      const purgedAt = (await deps.store.retention.status(idt))?.metadataPurgedAt;
      if (purgedAt) {
        throw new EloError(
          'signed_package_absent',
          `O pacote assinado do trâmite ${idt} foi removido do hub em ${purgedAt} pela política de retenção (trâmite cancelado).`,
          { idt, removidoEm: purgedAt },
        );
      }
      return deps.blobs.readAll(t.metadataBlobKey);
    },
  };
}
