import type { Signer } from '../../src/pki/signer.ts';
import { buildPackageXml, pacoteFromStoredTramite, type Pacote } from '../../src/xml/package-xml.ts';
import { NRE_A_ATRIBUIR } from '../../src/xml/package/to-tramita.ts';
import { signEnveloped } from '../../src/xml/xmldsig.ts';
import { completeTramite, componentRows, declaredHashes } from './package-xml.ts';

/**
 * The package a native sender signs for a Tramita start body (a test's convenient source of a
 * valid package): the model Elo reads from that body, with the cabeçalho as a sender writes it —
 * IDT 0, the NRE only when it is a real one, no hashDosMetadados.
 */
export function nativePackage(body: unknown, kind: 'processo' | 'documento' = 'processo'): Pacote {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const cab = (body as { cabecalho: { remetente: Unit; destinatario?: Unit; destinatarios?: Unit[]; NRE?: string } }).cabecalho;
  const dest = cab.destinatario ?? cab.destinatarios![0]!;
  const model = pacoteFromStoredTramite({
    body: bytes,
    tramite: completeTramite({
      kind,
      nre: cab.NRE ?? NRE_A_ATRIBUIR,
      remetente: { repositoryId: cab.remetente.identificacaoDoRepositorioDeEstruturas, numero: cab.remetente.numeroDeIdentificacaoDaEstrutura },
      destinatario: { repositoryId: dest.identificacaoDoRepositorioDeEstruturas, numero: dest.numeroDeIdentificacaoDaEstrutura },
    }),
    components: componentRows(declaredHashes(bytes)),
  });
  const { hashDosMetadados: _h, ...cabecalho } = model.cabecalho;
  return { ...model, cabecalho: { ...cabecalho, IDT: 0, dataDeRecebimentoDoUltimoComponenteDigital: '2026-03-10T14:30:00-03:00' } } as Pacote;
}

type Unit = { identificacaoDoRepositorioDeEstruturas: number; numeroDeIdentificacaoDaEstrutura: string };

/** `nativePackage` built and signed by `signer` (enveloped, exc-c14n, RSA-SHA256 or ECDSA P-256). */
export async function signedPackageXml(body: unknown, signer: Signer, kind: 'processo' | 'documento' = 'processo'): Promise<string> {
  return signEnveloped(buildPackageXml(nativePackage(body, kind)), signer);
}
