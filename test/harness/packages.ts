import { createHash } from 'node:crypto';

export const sha256b64 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

export interface TestDocument {
  bytes: Uint8Array[];
  especie?: number;
  retirado?: boolean;
  mimeType?: string;
}

/**
 * A `POST tramites/processo` body as SEI's module builds it (spec §2.8, §3), with the internal
 * fields SEI leaks (spec §1.5.4) so that tests exercise "unknown fields are ignored".
 */
export function processoBody(p: {
  protocolo: string;
  remetente: [number, string];
  destinatario: [number, string];
  documentos: TestDocument[];
  nre?: string;
}) {
  const components = p.documentos.map((d) => d.bytes.map((b) => ({ bytes: b, hash: sha256b64(b) })));
  const body = {
    cabecalho: {
      remetente: { identificacaoDoRepositorioDeEstruturas: p.remetente[0], numeroDeIdentificacaoDaEstrutura: p.remetente[1] },
      destinatario: { identificacaoDoRepositorioDeEstruturas: p.destinatario[0], numeroDeIdentificacaoDaEstrutura: p.destinatario[1] },
      ...(p.nre ? { NRE: p.nre } : {}),
      urgencia: true,
      motivoDaUrgencia: true,
      propriedadesAdicionais: [
        { chave: 'MODULO_PEN_VERSAO', valor: '4.0.3' },
        { chave: 'CLASSIFICACAO_PrazoCorrente_1', valor: 5 },
      ],
    },
    processo: {
      protocolo: p.protocolo,
      nivelDeSigilo: '1',
      processoDeNegocio: 'Licitação: Pregão Eletrônico',
      descricao: 'Aquisição de material de expediente',
      dataHoraDeProducao: '2026-03-10T14:22:05-03:00',
      dataHoraDeRegistro: '2026-03-10T14:22:05-03:00',
      produtor: { nome: 'Fulana de Tal', tipo: 'orgaopublico', unidade: { nome: 'COPROT-SEFAZ', tipo: 'orgaopublico' } },
      interessados: [{ nome: 'Empresa Exemplo Ltda.' }],
      idProcedimentoSEI: 4711,
      staTipoProtocolo: 'P',
      documentos: p.documentos.map((d, i) => ({
        ordem: i + 1,
        descricao: `Documento ${i + 1}`,
        retirado: d.retirado ?? false,
        nivelDeSigilo: '1',
        dataHoraDeProducao: '2026-03-10T14:22:05-03:00',
        dataHoraDeRegistro: '2026-03-10T14:22:05-03:00',
        produtor: { nome: 'Fulana de Tal', numeroDeIdentificacao: String(1000 + i) },
        especie: { codigo: d.especie ?? 42, nomeNoProdutor: 'Despacho' },
        idDocumentoSEI: 9000 + i,
        componentesDigitais: components[i]!.map((c, j) => ({
          ordem: j + 1,
          nome: `${1000 + i}.html`,
          hash: { algoritmo: 'SHA256', conteudo: c.hash },
          tamanhoEmBytes: c.bytes.length,
          mimeType: d.mimeType ?? 'text/html',
          tipoDeConteudo: 'txt',
          assinaturasDigitais: [
            {
              razao: 'Documento assinado eletronicamente por Fulana de Tal',
              observacao: 'A autenticidade pode ser conferida no sítio do órgão',
              dataHora: '2026-03-10T14:22:05-03:00',
              hash: { algoritmo: 'SHA256withRSA', conteudo: 'vazio' },
              cadeiaDoCertificado: { formato: 'PKCS7', conteudo: 'vazio' },
            },
          ],
        })),
      })),
    },
  };
  return { body, components: components.flat() };
}

/** Deterministic pseudo-random bytes (a test must not depend on luck). */
export function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A start body from the estado's unit to the município's declaring one PDF component of `size`
 * bytes with `hash`, for tests that send bytes too large to hold (generated block by block).
 */
export function largeComponentBody(protocolo: string, size: number, hash: string) {
  const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] });
  const comp = (pkg.body.processo.documentos[0]!.componentesDigitais as { hash: { conteudo: string }; tamanhoEmBytes: number; mimeType: string }[])[0]!;
  comp.hash.conteudo = hash;
  comp.tamanhoEmBytes = size;
  comp.mimeType = 'application/pdf';
  return pkg.body;
}
